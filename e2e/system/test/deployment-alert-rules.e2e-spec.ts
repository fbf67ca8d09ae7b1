import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT, ServiceUnderTest, startServiceUnderTest, waitFor } from './support/services';
import { freePort, requireTool } from './support/tools';

// The alert rules of k8s/monitoring, checked by promtool and then loaded by a real Prometheus that
// scrapes a running reporting-service: every expression evaluates without error, and every metric
// the rules name is in the scrape. Ports: reporting-service on 20814 (+E2E_PORT_OFFSET).
const MONITORING = path.join(REPO_ROOT, 'k8s/monitoring');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

/** The plain rule files the monitoring kustomization ships (configMapGenerator urrbmi-alert-rules). */
function ruleFiles(): string[] {
  const kustomization = parseYaml(readFileSync(path.join(MONITORING, 'kustomization.yaml'), 'utf8'));
  const generator = kustomization.configMapGenerator.find(
    (g: { name: string }) => g.name === 'urrbmi-alert-rules',
  );
  return generator.files.map((f: string) => path.join(MONITORING, f));
}

function rulesOf(file: string): Rule[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

function metricNames(rules: Rule[]): string[] {
  return [
    ...new Set(
      rules.flatMap((r) =>
        [...r.expr.matchAll(/\b((?:messaging|reporting)_[a-z0-9_]+)\b/g)].map((m) => m[1]),
      ),
    ),
  ].sort();
}

describe('the alert rules of k8s/monitoring', () => {
  const rules = ruleFiles().flatMap(rulesOf);
  let reporting: ServiceUnderTest;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl = '';
  let prometheusLog = '';
  const scratch = mkdtempSync(path.join(tmpdir(), 'urrbmi-prometheus-'));

  async function api<T>(route: string): Promise<{ status: string; data: T; error?: string }> {
    const r = await fetch(`${prometheusUrl}${route}`);
    return (await r.json()) as { status: string; data: T; error?: string };
  }

  beforeAll(async () => {
    const promtool = requireTool('promtool', 'prometheus');
    const binary = requireTool('prometheus', 'prometheus');
    // promtool first: a file it refuses would not load below either, and its message is the clearer.
    execFileSync(promtool, ['check', 'rules', ...ruleFiles()], { encoding: 'utf8' });

    reporting = await startServiceUnderTest('reporting-service', 20810, 'alertrules');
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const config = path.join(scratch, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ${JSON.stringify(ruleFiles())}`,
        'scrape_configs:',
        '  - job_name: urrbmi',
        '    honor_labels: true',
        `    static_configs: [{ targets: ['${new URL(reporting.svc.url).host}'], labels: { namespace: e2e } }]`,
      ].join('\n'),
    );
    prometheus = spawn(
      binary,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(scratch, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (d) => (prometheusLog += d));
    prometheus.stderr?.on('data', (d) => (prometheusLog += d));
    await waitFor(
      'Prometheus scraping reporting-service',
      async () => {
        try {
          return (
            await api<{ result: { value: [number, string] }[] }>(
              '/api/v1/query?query=up%7Bjob%3D%22urrbmi%22%7D',
            )
          ).data?.result?.[0]?.value?.[1];
        } catch {
          return undefined;
        }
      },
      (up) => up === '1',
      90_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nPrometheus log:\n${prometheusLog.slice(-3000)}`);
    });
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus!.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await reporting?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('are many, all alerts with an expression', () => {
    expect(rules.length).toBeGreaterThanOrEqual(9);
    for (const r of rules) expect(r.alert && r.expr).toBeTruthy();
  });

  it('each evaluate without error in the query API of a Prometheus scraping a running service', async () => {
    for (const rule of rules) {
      const answer = await api<{ resultType: string }>(
        `/api/v1/query?query=${encodeURIComponent(rule.expr)}`,
      );
      expect({ alert: rule.alert, status: answer.status, error: answer.error }).toEqual({
        alert: rule.alert,
        status: 'success',
        error: undefined,
      });
      expect(answer.data.resultType).toBe('vector');
    }
  });

  it('are loaded by that Prometheus and evaluated by its rule manager with health ok', async () => {
    const loaded = await waitFor(
      'every rule evaluated at least once',
      async () =>
        (
          await api<{
            groups: {
              rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[];
            }[];
          }>('/api/v1/rules')
        ).data.groups.flatMap((g) => g.rules),
      (all) => all.length === rules.length && all.every((r) => !r.lastEvaluation.startsWith('0001-')),
      60_000,
    );
    expect(loaded.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(loaded.map((r) => r.name).sort()).toEqual(rules.map((r) => r.alert).sort());
  });

  // Prometheus keeps the metadata (# HELP / # TYPE) of every metric family in the scrape, samples or not.
  async function inScrape(names: string[]): Promise<string[]> {
    const metadata = await api<Record<string, unknown[]>>('/api/v1/metadata');
    return names.filter((n) => !metadata.data[n]);
  }

  it('name only messaging_* metrics that the running service exports (every service does)', async () => {
    const names = metricNames(rules).filter((n) => n.startsWith('messaging_'));
    expect(names).toEqual(
      expect.arrayContaining([
        'messaging_consumer_lag',
        'messaging_events_dead_lettered_total',
        'messaging_outbox_backlog',
        'messaging_outbox_publish_failures_total',
      ]),
    );
    expect(
      await waitFor(
        'metadata of the messaging metrics',
        () => inScrape(names),
        (missing) => missing.length === 0,
        30_000,
      ),
    ).toEqual([]);
  });

  it('would catch a rule promtool refuses and a metric name the service does not export', async () => {
    const broken = path.join(scratch, 'broken-rules.yaml');
    writeFileSync(
      broken,
      'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(messaging_outbox_backlog\n',
    );
    const check = spawnSync(requireTool('promtool', 'prometheus'), ['check', 'rules', broken], {
      encoding: 'utf8',
    });
    expect(check.status).not.toBe(0);
    expect(await inScrape(['messaging_outbox_backlog', 'messaging_outbox_backlogg'])).toEqual([
      'messaging_outbox_backlogg',
    ]);
  });

  // reporting_* come with the reporting issue's ops view; until that branch is merged this fails,
  // naming the metrics reporting-service does not export yet.
  it('name only reporting_* metrics that reporting-service exports', async () => {
    const names = metricNames(rules).filter((n) => n.startsWith('reporting_'));
    expect(names).toEqual(
      expect.arrayContaining([
        'reporting_consumer_group_lag',
        'reporting_dead_letter_messages',
        'reporting_feed_late',
        'reporting_last_feed_received_timestamp_seconds',
        'reporting_outbox_backlog',
      ]),
    );
    const missing = await waitFor(
      'metadata of the reporting metrics',
      () => inScrape(names),
      (m) => m.length === 0,
      15_000,
    ).catch(() => inScrape(names));
    expect({ missingFromReportingServiceScrape: missing }).toEqual({ missingFromReportingServiceScrape: [] });
  });
});
