import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ReportingSettings } from '../shared/reporting-settings';

const SELF = 'reporting-service';

export interface OutboxBacklog {
  service: string;
  /** Outbox rows committed and not yet published; null when the service did not answer. */
  backlog: number | null;
  error?: string;
}

const BACKLOG = /^messaging_outbox_backlog(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$/m;

/**
 * Each service's outbox backlog, read from its own /metrics (`messaging_outbox_backlog`) at the URLs
 * of REPORTING_METRICS_URLS: the reporting service never reads another service's schema.
 */
@Injectable()
export class ServiceMetricsGateway {
  constructor(
    private readonly settings: ReportingSettings,
    private readonly registry: Registry,
  ) {}

  backlogs(): Promise<OutboxBacklog[]> {
    return Promise.all(
      this.settings.metricsUrls().map(async ({ service, url }) => {
        // Our own figure comes from our own registry: scraping ourselves from inside a scrape would wait on itself.
        if (service === SELF) return { service, backlog: await this.own() };
        try {
          const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
          if (!r.ok) return { service, backlog: null, error: `HTTP ${r.status}` };
          const m = BACKLOG.exec(await r.text());
          return m
            ? { service, backlog: Number(m[1]) }
            : { service, backlog: null, error: 'no messaging_outbox_backlog' };
        } catch (e) {
          return { service, backlog: null, error: `unreachable: ${(e as Error).message}` };
        }
      }),
    );
  }

  private async own(): Promise<number | null> {
    const metric = this.registry.getSingleMetric('messaging_outbox_backlog');
    const values = metric ? (await metric.get()).values : [];
    return values.length > 0 ? values[0].value : null;
  }
}
