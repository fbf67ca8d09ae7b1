import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';
import { controlTotals, feedCsv, FeedLine, minquanId, pushFeed } from './support/feeds';
import {
  api,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
  freshDatabase,
  ServiceUnderTest,
  startServiceUnderTest,
} from './support/services';
import { committedEvents, messagesOnTopics, publishedEvents, waitForOutboxSent } from './support/topics';
import { metricValue, waitForMetricAbove } from './support/metrics';

let dbUrl = '';

const tax = TEST_KEYS.tax.key;

async function push(
  url: string,
  lines: FeedLine[] | { csv: string; count: number; total: number },
  date: string,
  region = '411421',
) {
  const csv = Array.isArray(lines) ? feedCsv(lines) : lines.csv;
  const totals = Array.isArray(lines) ? controlTotals(lines) : lines;
  return pushFeed(url, tax, { body: csv, date, region, count: totals.count, total: totals.total });
}

describe('tax feed deadline: feed.late at 16:00:00 on D+1, not before', () => {
  let svc: ServiceProcess;
  let db: Client;
  let under: ServiceUnderTest;
  const lateEvents = async () =>
    (await committedEvents(db, 'tax_feed', under.prefix, 'feed.late'))
      .map((e) => e.payload as { regionCode: string; feedDate: string; deadline: string; raisedAt: string })
      .filter((p) => p.feedDate === '2023-11-20');
  /** feed.late events written or sent, counted cheaply enough to look every 100 ms. */
  const lateCount = async () =>
    Number(
      (await db.query(`SELECT count(*)::int AS n FROM tax_feed.outbox WHERE topic = 'feed.late'`)).rows[0].n,
    ) + (await messagesOnTopics([`${under.prefix}feed.late`]));

  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 14800, 'feedlate', {
      // The service clock starts ten seconds before the deadline of 20 November's feed.
      CLOCK_START: '2023-11-21T15:59:50+08:00',
      FEED_MONITOR_FROM: '2023-11-20',
      FEED_MONITOR_INTERVAL_MS: '100',
    });
    ({ svc, db, dbUrl } = under);
  });

  afterAll(async () => {
    await under?.stop();
  });

  it('raises feed.late once per collecting region when the deadline passes, and the late feed clears it', async () => {
    // Before 16:00:00 nothing is late (the monitor looks every 100 ms; the service booted in < 5 s).
    const started = Date.now();
    while (Date.now() - started < 3000) {
      expect(await lateCount()).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
    }
    const raised = await waitFor('feed.late', lateEvents, (e) => e.length >= 2, 20_000);
    // Raised by the service's clock at 16:00:00, within one monitor tick of it.
    for (const e of raised) {
      expect(Date.parse(e.raisedAt)).toBeGreaterThanOrEqual(Date.parse('2023-11-21T16:00:00+08:00'));
      expect(Date.parse(e.raisedAt)).toBeLessThan(Date.parse('2023-11-21T16:00:01+08:00'));
    }
    // Shandan and Minquan collect on 20 November 2023; Zhuji's season closed in February.
    expect(raised.map((e) => e.regionCode).sort()).toEqual(['411421', '620725']);
    expect(raised[0]).toMatchObject({ feedDate: '2023-11-20', deadline: '2023-11-21T16:00:00.000+08:00' });
    // Two more completed passes of the check, then still two: once, not at every tick.
    const passes = await metricValue(svc.url, 'tax_feed_deadline_checks_total');
    await waitForMetricAbove(svc.url, 'tax_feed_deadline_checks_total', {}, passes + 1);
    expect(await lateEvents()).toHaveLength(2);

    const r = await push(
      svc.url,
      [
        {
          voucher: `LATE-${randomUUID().slice(0, 8)}`,
          id: minquanId(900),
          amount: 38000,
          paidAt: '2023-11-20T10:00:00+08:00',
        },
      ],
      '2023-11-20',
    );
    expect(r.body).toMatchObject({ status: 'ACCEPTED', late: true, applied: 1 });
    const { rows } = await db.query(
      `SELECT region_code, cleared_by FROM tax_feed.late_feeds WHERE feed_date = '2023-11-20' ORDER BY region_code`,
    );
    expect(rows).toEqual([
      { region_code: '411421', cleared_by: r.body.feedId },
      { region_code: '620725', cleared_by: null },
    ]);
  });
});

describe('tax feed service killed half way through a 100,000-row file', () => {
  const ROWS = 100_000;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}feedkill.`;
  let db: Client;

  beforeAll(async () => {
    dbUrl = await freshDatabase('feedlate2');
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
  });

  function bigFeed(): { csv: string; count: number; total: number } {
    const lines: FeedLine[] = [];
    for (let i = 0; i < ROWS; i++) {
      const first17 = `620725${1950 + (Math.floor(i / 1000) % 60)}0${1 + (Math.floor(i / 60000) % 9)}1${i % 10}${String(i % 1000).padStart(3, '0')}`;
      lines.push({
        voucher: `KILL-${String(i).padStart(6, '0')}`,
        id: first17 + residentIdCheckChar(first17),
        region: '620725',
        amount: 38000,
        channel: i % 3 ? 'WECHAT' : 'BANK_COUNTER',
        paidAt: '2023-10-16T10:00:00+08:00',
      });
    }
    return { csv: feedCsv(lines), ...controlTotals(lines) };
  }

  it('records every voucher once and publishes one event per voucher after a SIGKILL, a restart and a re-push', async () => {
    const feed = bigFeed();
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      CLOCK_START: '2023-10-17T09:00:00+08:00',
    };
    const first = spawnService('tax-collection-feed-service', 14900, env);
    await waitReady(first);
    const pending = push(first.url, feed, '2023-10-16', '620725').catch((e: Error) => ({
      status: 0,
      body: { error: e.message },
    }));
    const applied = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM tax_feed.payments WHERE voucher_no LIKE 'KILL-%'`))
        .rows[0].n as number;
    await waitFor('a fifth applied', applied, (n) => n >= ROWS / 5, 120_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect((await pending).status).toBe(0); // the push was cut off
    const atKill = await applied();
    expect(atKill).toBeLessThan(ROWS);

    const second = spawnService('tax-collection-feed-service', 14900, env);
    try {
      await waitReady(second);
      const again = await push(second.url, feed, '2023-10-16', '620725');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        status: 'ACCEPTED',
        sameFileAsEarlierPush: true,
        rows: ROWS,
        applied: ROWS,
        duplicates: 0,
        quarantined: 0,
        appliedTotalFen: ROWS * 38000,
      });
      expect(await applied()).toBe(ROWS);

      // In Kafka, after dedup by event id (as consumers do): exactly one event per voucher. Once the
      // outbox is sent, the topic read to its end holds every event the two processes committed.
      await waitForOutboxSent(db, 'tax_feed', 180_000);
      const killed = (await publishedEvents(`${prefix}payment.recorded`)).filter((e) =>
        String(e.payload.voucherNo).startsWith('KILL-'),
      );
      expect(killed).toHaveLength(ROWS);
      expect(new Set(killed.map((e) => e.payload.voucherNo)).size).toBe(ROWS);
      const feedRow = await api(second.url, 'GET', `/v1/feeds/${again.body.feedId}`, tax);
      expect(feedRow.body).toMatchObject({
        applied: ROWS,
        declared: { count: ROWS, totalFen: ROWS * 38000 },
      });
    } finally {
      await second.stop();
    }
  });
});
