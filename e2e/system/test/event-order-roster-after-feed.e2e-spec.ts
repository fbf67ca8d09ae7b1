import { Client } from 'pg';
import { controlTotals, feedCsv, FeedLine, pushFeed } from './support/feeds';
import { waitForNoLag } from './support/lag';
import { messagesOnTopics } from './support/topics';
import { personId } from './support/rounds';
import {
  api,
  freshDatabase,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';

/**
 * The issue's measurement, with the real services: 10,000 people registered by a batch at
 * enrollment-service, then the tax bureau's feed of their 10,000 payments through the tax feed
 * service. Every payer must be ACTIVE in the roster the tax bureau pulls — from the instance that
 * took the feed, and from a second tax feed deployment (its own database and consumer group) that
 * builds its roster afresh from the topics' history, as a new replica or a rebuild after a restore
 * does. That one meets registrations and activations at the same time on different topics: a roster
 * that let the last arrival win (or dropped an activation whose registration was not in yet) left
 * payers REGISTERED.
 */
const PEOPLE = 10_000;
const REGION = '411421';

describe('event order: the collection roster after a feed of 10,000 payments from registered people', () => {
  let enrollment: ServiceProcess;
  let taxFeed: ServiceProcess;
  let rebuilt: ServiceProcess;
  let db: Client;
  let rebuiltDb: Client;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}orderfeed.`;
  let env: Record<string, string>;

  beforeAll(async () => {
    const dbUrl = await freshDatabase('orderfeed');
    env = { DATABASE_URL: dbUrl, API_KEYS_FILE: writeKeysFile(), KAFKA_TOPIC_PREFIX: prefix };
    enrollment = spawnService('enrollment-service', 20050, {
      ...env,
      CLOCK_START: '2023-10-19T10:00:00+08:00',
    });
    await waitReady(enrollment);
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([enrollment?.stop(), taxFeed?.stop(), rebuilt?.stop()]);
    await db?.end();
    await rebuiltDb?.end();
  });

  const count = async (sql: string, on = db) => Number((await on.query(sql)).rows[0].n);
  /** The roster as the tax bureau pulls it, counted by status. */
  const pullRoster = async (svc: ServiceProcess) => {
    const r = await fetch(`${svc.url}/v1/collection-roster?region=${REGION}&season=2023`, {
      headers: { authorization: `Bearer ${TEST_KEYS.tax.key}` },
    });
    const rows = (await r.text())
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const byStatus: Record<string, number> = {};
    for (const row of rows) byStatus[row[6]] = (byStatus[row[6]] ?? 0) + 1;
    return { rows, byStatus };
  };

  it('shows every one of the 10,000 payers ACTIVE', async () => {
    const ids = Array.from({ length: PEOPLE }, (_, i) => personId(REGION, i));
    const batch = ['id_number,name,season,region_code,township_code,village_code,kind']
      .concat(ids.map((id, i) => `${id},居民${i},2023,${REGION},411421100,,NEW`))
      .join('\n');
    const up = await fetch(`${enrollment.url}/v1/enrollments/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.mib.key}`, 'content-type': 'text/csv' },
      body: batch + '\n',
    });
    expect(up.status).toBe(202);
    const { batchId } = (await up.json()) as { batchId: string };
    expect(
      await waitFor(
        'registration batch',
        async () =>
          (await api(enrollment.url, 'GET', `/v1/enrollments/batch/${batchId}`, TEST_KEYS.mib.key)).body,
        (b) => b.status === 'DONE' || b.status === 'FAILED',
        300_000,
      ),
    ).toMatchObject({ status: 'DONE', accepted: PEOPLE });

    taxFeed = spawnService('tax-collection-feed-service', 20050, {
      ...env,
      CLOCK_START: '2023-10-21T09:00:00+08:00',
    });
    await waitReady(taxFeed);
    const lines: FeedLine[] = ids.map((id, i) => ({
      voucher: `T20231020${String(i).padStart(6, '0')}`,
      id,
      region: REGION,
      township: '411421100',
      amount: 38000,
      paidAt: '2023-10-20T10:00:00+08:00',
    }));
    const totals = controlTotals(lines);
    const pushed = await pushFeed(taxFeed.url, TEST_KEYS.tax.key, {
      body: feedCsv(lines),
      date: '2023-10-20',
      region: REGION,
      ...totals,
    });
    expect(pushed.status).toBe(201);
    expect(pushed.body).toMatchObject({ status: 'ACCEPTED', applied: PEOPLE, quarantined: 0 });

    // Every payer activated at enrollment-service, and every roster fact it published consumed.
    await waitFor(
      'activations',
      () => count(`SELECT count(*)::int AS n FROM enrollment.enrollments WHERE status = 'ACTIVE'`),
      (n) => n === PEOPLE,
      300_000,
    );
    const rosterTopics = ['enrollment.registered', 'enrollment.activated', 'enrollment.standing'];
    const pending = `SELECT count(*)::int AS n FROM enrollment.outbox
      WHERE topic IN ('enrollment.registered', 'enrollment.activated', 'enrollment.standing')`;
    // Every roster fact in Kafka before the roster's lag is read (the relay deletes what it published).
    await waitFor(
      'roster events published',
      async () => [await count(pending), await messagesOnTopics(rosterTopics.map((t) => prefix + t))],
      ([left, sent]) => left === 0 && sent >= 3 * PEOPLE,
      300_000,
    );
    // The roster keeps no inbox: its group's committed offsets say every roster event is applied.
    await waitForNoLag(prefix, ['tax-collection-feed-service'], 300_000);
    const live = await pullRoster(taxFeed);
    expect(live.byStatus).toEqual({ ACTIVE: PEOPLE });
    expect(new Set(live.rows.map((row) => row[0]))).toEqual(new Set(ids));
    expect(live.rows.every((row) => row[1].startsWith('居民'))).toBe(true);

    // A second deployment of the tax feed service builds its roster from the topics' history.
    const rebuiltUrl = await freshDatabase('orderfeedrebuild');
    rebuilt = spawnService('tax-collection-feed-service', 20060, {
      ...env,
      DATABASE_URL: rebuiltUrl,
      KAFKA_GROUP_PREFIX: `${prefix}rebuild-`,
      CLOCK_START: '2023-10-21T09:00:00+08:00',
    });
    await waitReady(rebuilt);
    rebuiltDb = new Client({ connectionString: rebuiltUrl });
    await rebuiltDb.connect();
    await waitForNoLag(`${prefix}rebuild-`, ['tax-collection-feed-service'], 300_000);
    const again = await pullRoster(rebuilt);
    expect(again.byStatus).toEqual({ ACTIVE: PEOPLE });
    expect(again.rows.map((row) => row.slice(0, 8)).sort()).toEqual(
      live.rows.map((row) => row.slice(0, 8)).sort(),
    );
  });
});
