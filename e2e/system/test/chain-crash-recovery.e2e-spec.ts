import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';
import { feedCsv, FeedLine } from './support/feeds';
import { publishedEvents } from './support/topics';
import {
  PrivateBroker,
  PrivatePostgres,
  startPrivateBroker,
  startPrivatePostgres,
} from './support/private-infra';
import {
  api,
  freshDatabase,
  ServiceName,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';

/**
 * The real services of the payment chain — tax feed → enrollment, subsidy, the tax bureau's
 * collection roster — as child processes on one database and one topic prefix, through a feed of
 * payments from registered people; then the same with, in turn, enrollment-service SIGKILLed while
 * it consumes the payments, Postgres restarted mid-feed, and the broker restarted mid-feed. After
 * recovery: every voucher once everywhere, every total exact to the fen, and the enrolment
 * projections equal to the clean run's.
 */

const PEOPLE = 3000;
const CLOCK_START = '2023-10-17T09:00:00+08:00';
const FEED_DATE = '2023-10-16';
const PG_PORT = 25432;
const BROKER_PORT = 29092;
const CHAIN: ServiceName[] = ['enrollment-service', 'subsidy-service', 'tax-collection-feed-service'];
const mib = TEST_KEYS.mib.key;
const tax = TEST_KEYS.tax.key;

function personId(i: number): string {
  const first17 = `620725${1960 + (i % 40)}0${1 + (Math.floor(i / 40) % 9)}1${Math.floor(i / 360) % 10}${String(i % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

const PEOPLE_IDS = [...new Set(Array.from({ length: PEOPLE * 2 }, (_, i) => personId(i)))].slice(0, PEOPLE);

interface Chain {
  url(name: ServiceName): string;
  /** Where the chain's events went: its topic prefix and broker. */
  topics: { prefix: string; brokers?: string };
  db: Client;
  restart(name: ServiceName, how: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  processOf(name: ServiceName): ServiceProcess;
  stop(): Promise<void>;
}

async function startChain(basePort: number, tag: string, dbUrl: string, brokers?: string): Promise<Chain> {
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}${tag}.`;
  const env = {
    DATABASE_URL: dbUrl,
    API_KEYS_FILE: writeKeysFile(),
    KAFKA_TOPIC_PREFIX: prefix,
    CLOCK_START,
    OUTBOX_POLL_INTERVAL_MS: '200',
    DB_POOL_SIZE: '5',
    // A database away for seconds is waited out, not a reason to fail the feed.
    FEED_RETRY_FOR_MS: '120000',
    ...(brokers ? { KAFKA_BROKERS: brokers } : {}),
  };
  const procs = new Map<ServiceName, ServiceProcess>();
  // One after the other: three boots at once on two cores only slow each other down.
  try {
    for (const name of CHAIN) {
      const p = spawnService(name, basePort, env);
      procs.set(name, p);
      await waitReady(p, 180_000);
    }
  } catch (e) {
    await Promise.all([...procs.values()].map((p) => p.stop()));
    throw e;
  }
  const db = new Client({ connectionString: dbUrl });
  db.on('error', () => undefined); // the Postgres restart cuts this connection too; the test reconnects
  await db.connect();
  return {
    url: (name) => procs.get(name)!.url,
    topics: { prefix, brokers },
    db,
    processOf: (name) => procs.get(name)!,
    restart: async (name, how) => {
      const old = procs.get(name)!;
      if (how === 'SIGKILL') {
        old.child.kill('SIGKILL');
        await new Promise((r) =>
          old.child.exitCode !== null || old.child.signalCode !== null ? r(null) : old.child.once('exit', r),
        );
      } else await old.stop();
      const p = spawnService(name, basePort, env);
      procs.set(name, p);
      await waitReady(p, 180_000);
    },
    stop: async () => {
      await Promise.all([...procs.values()].map((p) => p.stop()));
      await db.end().catch(() => undefined);
    },
  };
}

/** A query that survives the private Postgres being restarted under it. */
async function query<T>(c: { current: Client; url: string }, sql: string): Promise<T[]> {
  try {
    return (await c.current.query(sql)).rows as T[];
  } catch {
    await c.current.end().catch(() => undefined);
    const fresh = new Client({ connectionString: c.url });
    fresh.on('error', () => undefined);
    await fresh.connect().catch(() => undefined);
    c.current = fresh;
    throw new Error('database connection lost; retrying');
  }
}

async function probe<T>(c: { current: Client; url: string }, sql: string): Promise<T[] | undefined> {
  return query<T>(c, sql).catch(() => undefined);
}

async function register(chain: Chain): Promise<void> {
  const csv =
    'id_number,name,season,region_code,township_code,village_code,kind\n' +
    PEOPLE_IDS.map(
      (id, i) => `${id},居民${i},2023,620725,6207251${String(i % 11).padStart(2, '0')},,RENEWAL`,
    ).join('\n') +
    '\n';
  const r = await fetch(`${chain.url('enrollment-service')}/v1/enrollments/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${mib}`, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(r.status).toBe(202);
  const { batchId } = (await r.json()) as { batchId: string };
  const done = await waitFor(
    'registration batch',
    async () =>
      (await api(chain.url('enrollment-service'), 'GET', `/v1/enrollments/batch/${batchId}`, mib)).body,
    (b) => b.status === 'DONE' || b.status === 'FAILED',
    180_000,
  );
  expect(done).toMatchObject({ status: 'DONE', accepted: PEOPLE, rejected: 0 });
}

/** Each person pays exactly what is due, one voucher each. */
async function paymentsFeed(chain: Chain): Promise<{ csv: string; count: number; total: number }> {
  const due = (
    await chain.db.query(
      `SELECT id_number, amount_due_fen FROM enrollment.enrollments WHERE season = 2023 ORDER BY id_number`,
    )
  ).rows as { id_number: string; amount_due_fen: number }[];
  expect(due).toHaveLength(PEOPLE);
  const lines: FeedLine[] = due.map((d, i) => ({
    voucher: `CHAIN-${String(i).padStart(6, '0')}`,
    id: d.id_number,
    region: '620725',
    amount: d.amount_due_fen,
    channel: i % 2 ? 'WECHAT' : 'TAX_APP',
    paidAt: `${FEED_DATE}T${String(8 + (i % 10)).padStart(2, '0')}:00:00+08:00`,
  }));
  return { csv: feedCsv(lines), count: lines.length, total: lines.reduce((s, l) => s + Number(l.amount), 0) };
}

async function pushFeed(chain: Chain, feed: { csv: string; count: number; total: number }) {
  const r = await fetch(`${chain.url('tax-collection-feed-service')}/v1/feeds`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tax}`,
      'content-type': 'text/csv',
      'x-feed-date': FEED_DATE,
      'x-region-code': '620725',
      'x-record-count': String(feed.count),
      'x-total-amount-fen': String(feed.total),
    },
    body: feed.csv,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** Pushes the feed until it is ACCEPTED: re-pushing the same bytes is the documented way to resume. */
async function pushUntilAccepted(chain: Chain, feed: { csv: string; count: number; total: number }) {
  return waitFor(
    'feed accepted',
    () =>
      pushFeed(chain, feed).catch((e: Error) => ({
        status: 0,
        body: { error: e.message } as Record<string, unknown>,
      })),
    (r) => r.body.status === 'ACCEPTED',
    300_000,
  );
}

interface Outcome {
  enrolments: {
    id_number: string;
    status: string;
    amount_due_fen: number;
    paid_fen: number;
    subsidy_fen: number;
    benefit_start: string | null;
    benefit_end: string | null;
  }[];
  figures: Record<string, string | number>;
  roster: Record<string, number>;
}

/** Waits until the chain has absorbed the feed, then reads what every service holds. */
async function settle(chain: Chain, dbUrl: string, total: number): Promise<Outcome> {
  const c = { current: chain.db, url: dbUrl };
  await waitFor(
    'every enrolment ACTIVE and every service through the feed',
    () =>
      probe<{ active: number; vouchers: number; subsidy: number; roster: number }>(
        c,
        `SELECT (SELECT count(*) FROM enrollment.enrollments WHERE status = 'ACTIVE')::int AS active,
                (SELECT count(*) FROM enrollment.payments)::int AS vouchers,
                (SELECT count(*) FROM subsidy.enrolments WHERE paid_in_full_on IS NOT NULL)::int AS subsidy,
                (SELECT count(*) FROM tax_feed.roster WHERE status = 'ACTIVE')::int AS roster`,
      ),
    (r) =>
      r !== undefined &&
      r[0].active === PEOPLE &&
      r[0].vouchers === PEOPLE &&
      r[0].subsidy === PEOPLE &&
      r[0].roster === PEOPLE,
    300_000,
  );
  const [figures] = await query<Record<string, string | number>>(
    c,
    `SELECT
       (SELECT count(*) FROM tax_feed.payments)::int                                AS ledger_rows,
       (SELECT count(DISTINCT voucher_no) FROM tax_feed.payments)::int              AS ledger_vouchers,
       (SELECT sum(amount_fen) FROM tax_feed.payments)::text                        AS ledger_total,
       (SELECT count(*) FROM enrollment.payments)::int                              AS enrolment_payments,
       (SELECT count(DISTINCT voucher_no) FROM enrollment.payments)::int            AS enrolment_vouchers,
       (SELECT sum(amount_fen) FROM enrollment.payments)::text                      AS enrolment_total,
       (SELECT sum(paid_fen) FROM enrollment.enrollments)::text                     AS paid_total,
       (SELECT count(*) FROM enrollment.enrollments)::int                           AS enrolments,
       (SELECT count(*) FROM subsidy.enrolments WHERE paid_in_full_on IS NOT NULL)::int AS subsidy_paid_in_full,
       (SELECT count(*) FROM subsidy.inbox WHERE topic = 'enrollment.registered')::int AS subsidy_registrations,
       (SELECT count(*) FROM tax_feed.roster WHERE status = 'ACTIVE')::int         AS roster_active`,
  );
  expect(figures).toEqual({
    ledger_rows: PEOPLE,
    ledger_vouchers: PEOPLE,
    ledger_total: String(total),
    enrolment_payments: PEOPLE,
    enrolment_vouchers: PEOPLE,
    enrolment_total: String(total),
    paid_total: String(total),
    enrolments: PEOPLE,
    subsidy_paid_in_full: PEOPLE,
    subsidy_registrations: PEOPLE,
    roster_active: PEOPLE,
  });
  // One payment.recorded event per voucher, however often the chain was killed on the way.
  const recorded = await publishedEvents(`${chain.topics.prefix}payment.recorded`, chain.topics.brokers);
  expect(recorded).toHaveLength(PEOPLE);
  expect(new Set(recorded.map((e) => e.payload.voucherNo)).size).toBe(PEOPLE);
  const enrolments = await query<Outcome['enrolments'][number]>(
    c,
    `SELECT id_number, status, amount_due_fen, paid_fen, subsidy_fen,
            to_char(benefit_start, 'YYYY-MM-DD') AS benefit_start, to_char(benefit_end, 'YYYY-MM-DD') AS benefit_end
       FROM enrollment.enrollments ORDER BY id_number`,
  );
  // The tax bureau's collection roster, as it pulls it.
  const roster = await waitFor(
    'collection roster all ACTIVE',
    async () => {
      const r = await fetch(
        `${chain.url('tax-collection-feed-service')}/v1/collection-roster?region=620725&season=2023&format=ndjson`,
        { headers: { authorization: `Bearer ${tax}` } },
      );
      const byStatus: Record<string, number> = {};
      for (const line of (await r.text()).split('\n').filter(Boolean)) {
        const s = (JSON.parse(line) as { status: string }).status;
        byStatus[s] = (byStatus[s] ?? 0) + 1;
      }
      return byStatus;
    },
    (s) => s.ACTIVE === PEOPLE,
    120_000,
  );
  // A connection opened again after a Postgres restart is this function's to close.
  if (c.current !== chain.db) await c.current.end().catch(() => undefined);
  return { enrolments, figures, roster };
}

describe('the payment chain of real services, crashed and recovered', () => {
  let clean: Outcome | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  // A broker of this file's own for every scenario: one of them restarts it, and the machine's
  // shared broker must never be.
  let broker: PrivateBroker;

  beforeAll(() => {
    broker = startPrivateBroker(BROKER_PORT);
  }, 180_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    broker?.stop();
  });

  async function scenario(
    basePort: number,
    tag: string,
    infra: { dbUrl: string; brokers?: string },
    fault?: (chain: Chain, feed: { csv: string; count: number; total: number }) => Promise<void>,
  ): Promise<Outcome> {
    const chain = await startChain(basePort, tag, infra.dbUrl, infra.brokers);
    cleanups.push(() => chain.stop());
    try {
      return await run(chain);
    } catch (e) {
      // What the services said, for whoever reads a failure of this test.
      for (const name of CHAIN)
        console.log(
          `[chain ${tag}] ${name} output (last 4,000 characters):\n${chain.processOf(name).output().slice(-4000)}`,
        );
      throw e;
    }

    async function run(chain: Chain): Promise<Outcome> {
      await register(chain);
      // The roster and subsidy have seen every registration before anyone pays.
      await waitFor(
        'registrations projected',
        async () =>
          (
            await chain.db.query(
              `SELECT (SELECT count(*) FROM subsidy.inbox WHERE topic = 'enrollment.registered')::int AS s,
                    (SELECT count(*) FROM tax_feed.roster WHERE name <> '')::int AS t`,
            )
          ).rows[0] as { s: number; t: number },
        (r) => r.s === PEOPLE && r.t === PEOPLE,
        180_000,
      );
      const feed = await paymentsFeed(chain);
      if (fault) await fault(chain, feed);
      else expect((await pushFeed(chain, feed)).body).toMatchObject({ status: 'ACCEPTED', applied: PEOPLE });
      const accepted = await pushUntilAccepted(chain, feed);
      expect(accepted.body).toMatchObject({
        applied: PEOPLE,
        duplicates: 0,
        quarantined: 0,
        appliedTotalFen: feed.total,
      });
      const outcome = await settle(chain, infra.dbUrl, feed.total);
      await chain.stop();
      return outcome;
    }
  }

  it('clean run: every payment applied once along the chain', async () => {
    clean = await scenario(20220, 'chainclean', {
      dbUrl: await freshDatabase('chainclean'),
      brokers: broker.brokers,
    });
    expect(clean.enrolments.every((e) => e.status === 'ACTIVE' && e.paid_fen === e.amount_due_fen)).toBe(
      true,
    );
    expect(clean.roster).toEqual({ ACTIVE: PEOPLE });
  }, 600_000);

  it('enrollment-service SIGKILLed while it consumes the payments: same projections as the clean run', async () => {
    const outcome = await scenario(
      20230,
      'chainkill',
      { dbUrl: await freshDatabase('chainkill'), brokers: broker.brokers },
      async (chain, feed) => {
        const pending = pushFeed(chain, feed).catch(() => undefined);
        // Mid-batch: some of the feed's payments applied by enrollment, not all.
        await waitFor(
          'enrollment consuming the payments',
          async () =>
            (await chain.db.query(`SELECT count(*)::int AS n FROM enrollment.payments`)).rows[0].n as number,
          (n) => n > 0,
          180_000,
        );
        const atKill = (await chain.db.query(`SELECT count(*)::int AS n FROM enrollment.payments`)).rows[0]
          .n as number;
        await chain.restart('enrollment-service', 'SIGKILL');
        expect(atKill).toBeLessThan(PEOPLE);
        await pending;
      },
    );
    expect(outcome.enrolments).toEqual(clean!.enrolments);
    expect(outcome.roster).toEqual(clean!.roster);
  }, 600_000);

  it('Postgres restarted mid-feed: same projections as the clean run', async () => {
    const pg: PrivatePostgres = startPrivatePostgres(PG_PORT);
    cleanups.push(() => pg.stop());
    const admin = new Client({ connectionString: pg.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE urrbmi_chain');
    await admin.end();
    const dbUrl = pg.url('urrbmi_chain');
    const outcome = await scenario(
      20240,
      'chainpg',
      { dbUrl, brokers: broker.brokers },
      async (chain, feed) => {
        const pending = pushFeed(chain, feed).catch(() => undefined);
        await waitFor(
          'the feed under way',
          async () =>
            (await chain.db.query(`SELECT count(*)::int AS n FROM tax_feed.feeds`)).rows[0].n as number,
          (n) => n > 0,
          60_000,
        );
        await pg.restart(3000);
        await pending;
      },
    );
    expect(outcome.enrolments).toEqual(clean!.enrolments);
    expect(outcome.roster).toEqual(clean!.roster);
  }, 600_000);

  it('broker restarted mid-feed: same projections as the clean run', async () => {
    const outcome = await scenario(
      20250,
      'chainbroker',
      { dbUrl: await freshDatabase('chainbroker'), brokers: broker.brokers },
      async (chain, feed) => {
        const pending = pushFeed(chain, feed).catch(() => undefined);
        await waitFor(
          'payments being published',
          async () =>
            (await chain.db.query(`SELECT count(*)::int AS n FROM tax_feed.payments`)).rows[0].n as number,
          (n) => n > 0,
          60_000,
        );
        await broker.restart(3000);
        await pending;
      },
    );
    expect(outcome.enrolments).toEqual(clean!.enrolments);
    expect(outcome.roster).toEqual(clean!.roster);
  }, 600_000);
});
