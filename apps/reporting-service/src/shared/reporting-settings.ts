import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSettings } from '@urrbmi/platform';
import { SERVICE_NAMES } from '@urrbmi/contracts';

const DEFAULT_METRICS_URLS = SERVICE_NAMES.map((s, i) => `${s}=http://127.0.0.1:${3101 + i}/metrics`).join(
  ',',
);
const toInt = ({ value }: { value: unknown }) => (value === undefined ? value : Number(value));

/** Settings of the reporting service only (ServiceEnv holds the common ones); checked at boot. */
export class ReportingSettings {
  /**
   * Folder of quota tables (`<region>-<season>.csv`) loaded at boot for every region-season that has
   * no quota yet; `none` loads nothing. Relative paths are from the working directory.
   */
  @IsString()
  REPORTING_QUOTA_SEED_DIR = 'apps/reporting-service/data/quotas';

  /**
   * Where the ops view reads each service's outbox backlog (`messaging_outbox_backlog` on its
   * /metrics): `service=url` pairs, comma separated. No service reads another's schema.
   */
  @Matches(/^[a-z-]+=https?:\/\/\S+?(,[a-z-]+=https?:\/\/\S+?)*$/, {
    message: 'REPORTING_METRICS_URLS must be service=http://host:port/metrics[,service=url...]',
  })
  REPORTING_METRICS_URLS = DEFAULT_METRICS_URLS;

  /** How often the weekly ranking and milestones are checked for alerts to raise. */
  @Transform(toInt)
  @Min(200)
  @Max(86_400_000)
  @IsInt({ message: 'REPORTING_ALERT_CHECK_INTERVAL_MS must be an integer' })
  REPORTING_ALERT_CHECK_INTERVAL_MS = 60_000;

  /**
   * How many units at the bottom count as "behind" where the policy says BOTTOM_N but leaves N open
   * (Zhuji: 排名落后 without a number). A local setting, as the policy file records.
   */
  @Transform(toInt)
  @Min(1)
  @Max(100)
  @IsInt({ message: 'REPORTING_BEHIND_BOTTOM_N must be an integer' })
  REPORTING_BEHIND_BOTTOM_N = 1;

  /** Private directory (0700) of uploaded quota tables. */
  @IsString()
  QUOTA_STORAGE_DIR = path.join(tmpdir(), 'urrbmi-quotas');

  /** The ops page reloads itself this often. */
  @Transform(toInt)
  @Min(1)
  @Max(3600)
  @IsInt({ message: 'REPORTING_OPS_REFRESH_SECONDS must be an integer' })
  REPORTING_OPS_REFRESH_SECONDS = 10;

  metricsUrls(): { service: string; url: string }[] {
    return this.REPORTING_METRICS_URLS.split(',').map((pair) => {
      const i = pair.indexOf('=');
      return { service: pair.slice(0, i), url: pair.slice(i + 1) };
    });
  }
}

export function loadReportingSettings(env: NodeJS.ProcessEnv = process.env): ReportingSettings {
  return loadSettings(ReportingSettings, env);
}
