import { Counter, Histogram, Registry } from 'prom-client';

/** What the HTTP edge counts: requests by route template and status, and refused authentications. */
export class HttpMetrics {
  readonly requests: Histogram<'method' | 'route' | 'status'>;
  readonly authFailures: Counter<'reason'>;

  constructor(registry: Registry) {
    this.requests = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route template (never the raw path) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [registry],
    });
    this.authFailures = new Counter({
      name: 'http_auth_failures_total',
      help: 'Requests refused for a missing or unknown API key',
      labelNames: ['reason'],
      registers: [registry],
    });
  }
}
