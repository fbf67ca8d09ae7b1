// The running system as the simulator sees it: five base URLs, the departments' API keys, and the
// public routes it drives. Every call goes through tools/cli's client (retried on 5xx/429 only).
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileBody, ServiceClient } from '@urrbmi/contracts/openapi';
import {
  callRoute,
  callService,
  CliError,
  ClientOptions,
  ExitCode,
  expectData,
  typedClient,
} from '../cli/service-client';
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

  /**
   * Requests to `service` with `holder`'s key through its typed client (generated from
   * docs/openapi, so a route, parameter or body the contract does not describe fails to
   * type-check): each retried like the CLI's calls (a `429` waited out as its `Retry-After` says),
   * the data of a 2xx answer returned, any other answer a refusal. `T` is what the route answers
   * (most answers are described in words only, not as a schema).
   */
  as<S extends Service>(service: S, holder: Holder) {
    const options = this.client(service, holder);
    const client = typedClient(service, options);
    return {
      call: <T>(
        what: string,
        request: (c: ServiceClient<S>) => Promise<{ data?: unknown; error?: unknown; response: Response }>,
      ): Promise<T> =>
        this.timed(what, async () => {
          const answer = await callService(options, what, () => request(client));
          return expectData(answer, what) as T;
        }),
    };
  }

  /** Every service must run a simulation clock (CLOCK_MODE=simulation), or the season cannot be driven. */
  async checkClocks(): Promise<void> {
    for (const s of SERVICES) {
      const options = this.client(s, 'ops');
      // Every service has the clock route (on a simulation clock); one service's type stands for all.
      const client = typedClient(s as 'enrollment-service', options);
      const answer = await callService(options, `GET ${s} /v1/clock`, () => client.GET('/v1/clock'));
      if (answer.response.status === 404)
        throw new CliError(
          `${s} at ${this.urls[s]} has no simulation clock: start the services with CLOCK_MODE=simulation (README, "Run a season")`,
          ExitCode.Refused,
        );
      expectData(answer, `${s} clock`);
    }
  }

  /** Moves every service's clock to `instant` (ISO with offset); they run on from there. */
  async moveClock(instant: string): Promise<void> {
    await this.timed('clock', () => this.moveAll(instant));
  }

  private async moveAll(instant: string): Promise<void> {
    await Promise.all(
      SERVICES.map((s) =>
        this.as(s as 'enrollment-service', 'ops').call('PUT /v1/clock', (c) =>
          c.PUT('/v1/clock', { body: { now: instant } }),
        ),
      ),
    );
  }

  /** Outbox rows not yet published, summed over the five services' own /metrics. */
  async outboxBacklog(): Promise<number> {
    let total = 0;
    for (const s of SERVICES) {
      // Prometheus text, outside the JSON contract: fetched as it is.
      const text = await (await callRoute(this.client(s, 'ops'), 'GET', '/metrics')).text();
      for (const m of text.matchAll(/^messaging_outbox_backlog(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$/gm))
        total += Number(m[1]);
    }
    return total;
  }

  /** Consumer lag over every group of the deployment, as reporting's ops view reads it from Kafka. */
  async consumerLag(): Promise<number> {
    const q = await this.as('reporting-service', 'ops').call<{ consumerGroups: { lag: number }[] }>(
      'GET /v1/ops/queues',
      (c) => c.GET('/v1/ops/queues'),
    );
    return q.consumerGroups.reduce((s, g) => s + Math.max(0, g.lag), 0);
  }

  /** Sum of the end offsets of every topic the deployment's groups read: events published so far. */
  async topicEnds(): Promise<number> {
    const q = await this.as('reporting-service', 'ops').call<{
      consumerGroups: {
        topics: { topic: string; partitions: { partition: number; highWatermark: number }[] }[];
      }[];
    }>('GET /v1/ops/queues', (c) => c.GET('/v1/ops/queues'));
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
    type Progress = { batchId: string; status: string; accepted: number; rejected: number };
    const enrollment = this.as('enrollment-service', 'mib');
    let b = await enrollment.call<Progress>('POST /v1/enrollments/batch', (c) =>
      c.POST('/v1/enrollments/batch', {
        params: { header: { 'X-File-Name': name } },
        ...fileBody(readFileSync(file, 'utf8')),
      }),
    );
    while (b.status !== 'DONE') {
      if (b.status === 'FAILED') throw new CliError(`batch ${name} FAILED`, ExitCode.Failed, b);
      await sleep(200);
      const id = b.batchId;
      b = await enrollment.call<Progress>('GET /v1/enrollments/batch/:id', (c) =>
        c.GET('/v1/enrollments/batch/{id}', { params: { path: { id } } }),
      );
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
}

/** The roster checker: a second civil-affairs or rural-revitalization person approves. */
export const approveRoster: CheckerStep = async (system, rosterId) => {
  const roster = await system
    .as('subsidy-service', 'mib')
    .call<{ source: string }>('GET /v1/rosters/:id', (c) =>
      c.GET('/v1/rosters/{id}', { params: { path: { id: rosterId } } }),
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
