import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { StructuredLogger } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { ReportingSettings } from '../shared/reporting-settings';
import { RaiseAlertsCommand } from './raise-alerts.command';
import { RaiseAlertsHandler } from './raise-alerts.handler';

/** Runs the alert check every REPORTING_ALERT_CHECK_INTERVAL_MS, never two at once in one process. */
@Injectable()
export class AlertCheckScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly settings: ReportingSettings,
    private readonly raiseAlerts: RaiseAlertsHandler,
    private readonly logger: StructuredLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.settings.REPORTING_ALERT_CHECK_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.raiseAlerts
      .execute(createCommand(RaiseAlertsCommand, {}))
      .then((n) => {
        if (n > 0) this.logger.info('report alerts raised', { raised: n });
      })
      .catch((e: unknown) => this.logger.warn('alert check failed; retried next time', { error: String(e) }))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
