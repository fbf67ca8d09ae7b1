// The running system as the simulator sees it: five base URLs, the departments' API keys, and the
// public routes it drives. Every call goes through tools/cli's client (retried on 5xx/429 only).
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { callRoute, CliError, ClientOptions, ExitCode, expectJson } from '../cli/service-client';
import { decideRoster, stageRoster } from '../cli/roster-stage';
import { pushFeed } from '../cli/feed-push';

export const SERVICES = [
  'enrollment-service',
  'subsidy-service',
  'tax-collection-feed-service',
  'refund-service',
  'reporting-service',
] as const;
export type Service = (typeof SERVICES)[number];

export type Holder =
  | 'mib'
  | 'mibChecker'
  | 'tax'
  | 'finance'
  | 'civilAffairs'
  | 'civilAffairsChecker'
  | 'rural'
  | 'ruralChecker'
  | 'ops';

/** Keys file as `node tools/dev-keys.js` writes it: `{keys: [{holder, role, key}]}`. */
export function keysFromFile(file: string): Record<Holder, string> {
  const keys = (JSON.parse(readFileSync(file, 'utf8')) as { keys: { role: string; key: string }[] }).keys;
  const of = (role: string, nth = 0) => {
    const all = keys.filter((k) => k.role === role);
    const k = all[nth] ?? all[0];
    if (!k) throw new CliError(`${file} has no key with role ${role}`, ExitCode.Failed);
    return k.key;
  };
  return {
    mib: of('mib'),
    mibChecker: of('mib', 1),
    tax: of('tax'),
    finance: of('finance'),
    civilAffairs: of('civil-affairs'),
    civilAffairsChecker: of('civil-affairs', 1),
    rural: of('rural-revitalization'),
    ruralChecker: of('rural-revitalization', 1),
    ops: of('ops'),
  };
}

/**
 * A second person's confirmation of a maker's work. Rosters have one today (approve); when
 * settlements, cancellations or death lists gain a checker step, it is one more entry here.
 */
export type CheckerStep = (system: SeasonSystem, id: string) => Promise<void>;

export class SeasonSystem {
  /** Milliseconds spent per kind of call, for `--timings`. */
  readonly timings = new Map<string, { calls: number; ms: number }>();

  async timed<T>(label: string, work: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      const t = this.timings.get(label) ?? { calls: 0, ms: 0 };
      t.calls++;
      t.ms += Date.now() - t0;
      this.timings.set(label, t);
    }
  }

  constructor(
    readonly urls: Record<Service, string>,
    readonly keys: Record<Holder, string>,
    readonly log: (line: string) => void = () => undefined,
  ) {}

  client(service: Service, holder: Holder): ClientOptions {
    return {
      baseUrl: this.urls[service],
      apiKey: this.keys[holder],
      // A restarting service; an upload limit (429) is waited out as its `Retry-After` says.
      attempts: 6,
      retryDelayMs: 500,
      log: this.log,
    };
  }

  json<T>(service: Service, holder: Holder, method: string, route: string, body?: unknown): Promise<T> {
    return this.timed(
      `${method} ${route.replace(/\?.*$/, '').replace(/[0-9a-f-]{36}/g, ':id')}`,
      async () => {
        const r = await callRoute(this.client(service, holder), method, route, {
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : () => JSON.stringify(body),
        });
        return expectJson<T>(r, `${method} ${route}`);
      },
    );
  }

  /** Every service must run a simulation clock (CLOCK_MODE=simulation), or the season cannot be driven. */
  async checkClocks(): Promise<void> {
    for (const s of SERVICES) {
      const r = await callRoute(this.client(s, 'ops'), 'GET', '/v1/clock');
      if (r.status === 404)
        throw new CliError(
          `${s} at ${this.urls[s]} has no simulation clock: start the services with CLOCK_MODE=simulation (README, "Run a season")`,
          ExitCode.Refused,
        );
      await expectJson(r, `${s} clock`);
    }
  }

  /** Moves every service's clock to `instant` (ISO with offset); they run on from there. */
  async moveClock(instant: string): Promise<void> {
    await this.timed('clock', () => this.moveAll(instant));
  }

  private async moveAll(instant: string): Promise<void> {
    await Promise.all(SERVICES.map((s) => this.json(s, 'ops', 'PUT', '/v1/clock', { now: instant })));
  }

  /** Outbox rows not yet published, summed over the five services' own /metrics. */
  async outboxBacklog(): Promise<number> {
    let total = 0;
    for (const s of SERVICES) {
      const text = await (await callRoute(this.client(s, 'ops'), 'GET', '/metrics')).text();
      for (const m of text.matchAll(/^messaging_outbox_backlog(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$/gm))
        total += Number(m[1]);
    }
    return total;
  }

  /** Consumer lag over every group of the deployment, as reporting's ops view reads it from Kafka. */
  async consumerLag(): Promise<number> {
    const q = await this.json<{ consumerGroups: { lag: number }[] }>(
      'reporting-service',
      'ops',
      'GET',
      '/v1/ops/queues',
    );
    return q.consumerGroups.reduce((s, g) => s + Math.max(0, g.lag), 0);
  }

  /** Sum of the end offsets of every topic the deployment's groups read: events published so far. */
  async topicEnds(): Promise<number> {
    const q = await this.json<{
      consumerGroups: {
        topics: { topic: string; partitions: { partition: number; highWatermark: number }[] }[];
      }[];
    }>('reporting-service', 'ops', 'GET', '/v1/ops/queues');
    const ends = new Map<string, number>();
    for (const g of q.consumerGroups)
      for (const t of g.topics)
        for (const p of t.partitions) ends.set(`${t.topic}/${p.partition}`, p.highWatermark);
    return [...ends.values()].reduce((s, n) => s + n, 0);
  }

  /** Waits until every outbox is empty and no consumer lags, three looks in a row. */
  quiet(timeoutMs = 600_000): Promise<void> {
    return this.timed('quiet', () => this.settle(timeoutMs));
  }

  private async settle(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let calm = 0;
    let last = '';
    while (calm < 3) {
      const [backlog, lag] = [await this.outboxBacklog(), await this.consumerLag()];
      last = `outbox backlog ${backlog}, consumer lag ${lag}`;
      calm = backlog === 0 && lag === 0 ? calm + 1 : 0;
      if (Date.now() > until) throw new CliError(`the system did not settle: ${last}`, ExitCode.TimedOut);
      if (calm < 3) await sleep(calm > 0 ? 150 : 300);
    }
  }

  // --- files -------------------------------------------------------------------------------------

  /** Uploads a registration batch (mib) and waits until it is DONE. */
  batch(file: string, name: string): Promise<{ accepted: number; rejected: number }> {
    return this.timed('batch', () => this.uploadBatch(file, name));
  }

  private async uploadBatch(file: string, name: string): Promise<{ accepted: number; rejected: number }> {
    const r = await callRoute(this.client('enrollment-service', 'mib'), 'POST', '/v1/enrollments/batch', {
      headers: { 'content-type': 'text/csv', 'x-file-name': name },
      body: () => readFileSync(file, 'utf8'),
    });
    let b = await expectJson<{ batchId: string; status: string; accepted: number; rejected: number }>(
      r,
      'the batch',
    );
    while (b.status !== 'DONE') {
      if (b.status === 'FAILED') throw new CliError(`batch ${name} FAILED`, ExitCode.Failed, b);
      await sleep(200);
      b = await this.json('enrollment-service', 'mib', 'GET', `/v1/enrollments/batch/${b.batchId}`);
    }
    return { accepted: b.accepted, rejected: b.rejected };
  }

  /** A roster snapshot staged by the department's clerk and approved by its checker. */
  async roster(
    source: 'CIVIL_AFFAIRS' | 'RURAL_REVITALIZATION',
    asOf: string,
    file: string,
    checkers: CheckerStep[] = [approveRoster],
  ): Promise<{ rosterId: string; asOf: string }> {
    const maker: Holder = source === 'CIVIL_AFFAIRS' ? 'civilAffairs' : 'rural';
    let staged: Record<string, unknown>;
    try {
      staged = await stageRoster(this.client('subsidy-service', maker), { file, source, asOf, gbk: false });
    } catch (e) {
      // A second season run on the same system: snapshots never go back in time, so this one is
      // dated as the newest (its rows keep their own valid_from).
      const newest = (
        (e as CliError).body as { details?: { info?: { newestAsOf?: string }; newestAsOf?: string } }
      )?.details;
      const newestAsOf = newest?.newestAsOf ?? newest?.info?.newestAsOf;
      if (!newestAsOf) throw e;
      staged = await stageRoster(this.client('subsidy-service', maker), {
        file,
        source,
        asOf: newestAsOf,
        gbk: false,
      });
      asOf = newestAsOf;
    }
    const rosterId = String(staged.uploadId);
    // The same snapshot sent again is the earlier upload; once approved there is nothing to check.
    if (staged.status !== 'APPROVED') for (const step of checkers) await step(this, rosterId);
    return { rosterId, asOf };
  }

  /** The tax bureau's daily feed, pushed with its control totals; waits for its result. */
  async feed(file: string, feedDate: string, regionCode: string) {
    const { summary } = await this.timed('feed', () =>
      pushFeed(this.client('tax-collection-feed-service', 'tax'), {
        file,
        feedDate,
        regionCode,
        gbk: false,
        waitSeconds: 600,
        progress: false,
      }),
    );
    return summary as typeof summary & { late?: boolean };
  }

  /** Posts a CSV body (quota table). */
  async postCsv<T>(
    service: Service,
    holder: Holder,
    route: string,
    csv: string,
    headers: Record<string, string> = {},
  ) {
    const r = await callRoute(this.client(service, holder), 'POST', route, {
      headers: { 'content-type': 'text/csv', ...headers },
      body: () => Readable.toWeb(Readable.from([Buffer.from(csv)])) as ReadableStream,
    });
    return expectJson<T>(r, `POST ${route}`);
  }
}

/** The roster checker: a second civil-affairs or rural-revitalization person approves. */
export const approveRoster: CheckerStep = async (system, rosterId) => {
  const roster = await system.json<{ source: string }>(
    'subsidy-service',
    'mib',
    'GET',
    `/v1/rosters/${rosterId}`,
  );
  const checker: Holder = roster.source === 'CIVIL_AFFAIRS' ? 'civilAffairsChecker' : 'ruralChecker';
  await decideRoster(system.client('subsidy-service', checker), rosterId, 'approve');
};

export function writeCsv(
  file: string,
  header: string[],
  rows: (string | number | undefined | null)[][],
): void {
  const cell = (v: string | number | undefined | null) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  writeFileSync(file, [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n');
}
