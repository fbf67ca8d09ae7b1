import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { StructuredLogger } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { ReportingSettings } from '../shared/reporting-settings';
import { ImportQuotasCommand } from './import-quotas.command';
import { ImportQuotasHandler } from './import-quotas.handler';

/**
 * At boot, loads the shipped quota tables (REPORTING_QUOTA_SEED_DIR) for every county-season that
 * has none yet, so `npm start` shows the seeds' targets; a table a clerk imported is never replaced.
 */
@Injectable()
export class QuotaSeedLoader implements OnApplicationBootstrap {
  constructor(
    private readonly settings: ReportingSettings,
    private readonly importQuotas: ImportQuotasHandler,
    private readonly logger: StructuredLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.settings.REPORTING_QUOTA_SEED_DIR;
    if (dir === 'none' || !existsSync(dir)) return;
    for (const name of readdirSync(dir)
      .filter((f) => /^\d{6}-\d{4}\.csv$/.test(f))
      .sort()) {
      const result = await this.importQuotas.execute(
        createCommand(ImportQuotasCommand, {
          file: path.join(dir, name),
          contentType: 'text/csv',
          source: `seed ${name}`,
          importedBy: 'reporting-service (boot)',
          onlyIfMissing: true,
        }),
      );
      if (result.imported)
        this.logger.info('seed quota table loaded', {
          file: name,
          units: result.units,
          rowsTotal: result.rowsTotal,
          mismatches: result.mismatches,
        });
    }
  }
}
