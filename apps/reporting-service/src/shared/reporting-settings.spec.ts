import { ConfigError } from '@urrbmi/platform';
import { loadReportingSettings } from './reporting-settings';

describe('reporting settings', () => {
  it('defaults to the five services on their usual ports and the shipped quota tables', () => {
    const s = loadReportingSettings({});
    expect(s.metricsUrls()).toEqual([
      { service: 'enrollment-service', url: 'http://127.0.0.1:3101/metrics' },
      { service: 'subsidy-service', url: 'http://127.0.0.1:3102/metrics' },
      { service: 'tax-collection-feed-service', url: 'http://127.0.0.1:3103/metrics' },
      { service: 'refund-service', url: 'http://127.0.0.1:3104/metrics' },
      { service: 'reporting-service', url: 'http://127.0.0.1:3105/metrics' },
    ]);
    expect(s.REPORTING_QUOTA_SEED_DIR).toBe('apps/reporting-service/data/quotas');
    expect(s.REPORTING_BEHIND_BOTTOM_N).toBe(1);
  });

  it('names a bad setting', () => {
    expect(() => loadReportingSettings({ REPORTING_METRICS_URLS: 'enrollment-service=ftp://x' })).toThrow(
      new ConfigError([
        {
          setting: 'REPORTING_METRICS_URLS',
          problem: 'REPORTING_METRICS_URLS must be service=http://host:port/metrics[,service=url...]',
        },
      ]),
    );
    expect(() => loadReportingSettings({ REPORTING_ALERT_CHECK_INTERVAL_MS: '10' })).toThrow(
      /REPORTING_ALERT_CHECK_INTERVAL_MS/,
    );
    expect(loadReportingSettings({ REPORTING_BEHIND_BOTTOM_N: '3' }).REPORTING_BEHIND_BOTTOM_N).toBe(3);
  });
});
