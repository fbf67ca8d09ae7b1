import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';
import { controlTotals, feedCsv, FeedLine, pushFeed } from './support/feeds';
import {
  api,
  spawnService,
  startServiceUnderTest,
  ServiceUnderTest,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
  freshDatabase,
} from './support/services';
import { committedEvents } from './support/topics';

const tax = TEST_KEYS.tax.key;

/** A valid Shandan (620725) resident ID number for the i-th payer of a big feed. */
function payerId(i: number): string {
  const first17 = `620725${1950 + (Math.floor(i / 1000) % 60)}0${1 + (Math.floor(i / 60000) % 9)}1${i % 10}${String(i % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

async function push(url: string, lines: FeedLine[], date: string) {
  const totals = controlTotals(lines);
  return pushFeed(url, tax, { body: feedCsv(lines), date, region: '620725', ...totals });
}

function goodRows(tag: string, n: number, amount = (i: number) => 38000 + (i % 7) * 100): FeedLine[] {
  return Array.from({ length: n }, (_, i) => ({
    voucher: `${tag}-${String(i).padStart(6, '0')}`,
    id: payerId(i),
    region: '620725',
    amount: amount(i),
    channel: i % 3 ? 'WECHAT' : 'BANK_COUNTER',
    paidAt: '2023-10-16T10:00:00+08:00',
  }));
}

describe('a feed with rows that would break the database or the event contract', () => {
  let under: ServiceUnderTest;
  let db: Client;

  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 20200, 'badrows', {
      CLOCK_START: '2023-10-17T09:00:00+08:00',
    });
    db = under.db;
  });

  afterAll(async () => {
    await under?.stop();
  });

  it('is ACCEPTED with each bad row quarantined with its reason and every one of 20,000 good rows applied once', async () => {
    const GOOD = 20_000;
    const good = goodRows('BAD', GOOD);
    const bad: (FeedLine & { code: string; message: string | RegExp })[] = [
      {
        voucher: 'BAD-AMOUNT-INT',
        id: payerId(90_001),
        region: '620725',
        amount: '2147483648',
        code: 'BAD_AMOUNT',
        message: 'amount_fen is beyond 2147483647 fen, more than any contribution',
      },
      {
        // Quarantined for its ID number; its amount is beyond what the exceptions table holds too.
        voucher: 'BAD-ID-HUGE',
        id: '620725195001011230',
        region: '620725',
        amount: '999999999999',
        code: 'BAD_ID_NUMBER',
        message: 'id_number is not a valid resident ID number (GB 11643 check digit)',
      },
      {
        voucher: 'BAD-DAY',
        id: payerId(90_002),
        region: '620725',
        amount: 38000,
        paidAt: '2023-02-30T10:00:00+08:00',
        code: 'BAD_PAID_AT',
        message: 'paid_at 2023-02-30T10:00:00 is not a real calendar day and time',
      },
      {
        voucher: 'BAD-NAME',
        id: payerId(90_003),
        region: '620725',
        name: '长'.repeat(101),
        amount: 38000,
        code: 'NAME_TOO_LONG',
        message: 'name is longer than 100 characters',
      },
      {
        voucher: 'BAD-SEASON',
        id: payerId(90_004),
        region: '620725',
        season: 2101,
        amount: 38000,
        code: 'BAD_SEASON',
        message: 'season must be a year from 2000 to 2100',
      },
    ];
    // In the middle of the file, inside one 5,000-row chunk and across another.
    const lines: FeedLine[] = [
      ...good.slice(0, 9_998),
      ...bad.slice(0, 3),
      ...good.slice(9_998, 10_001),
      ...bad.slice(3),
      ...good.slice(10_001),
    ];
    const r = await push(under.svc.url, lines, '2023-10-16');
    const goodTotal = good.reduce((s, l) => s + Number(l.amount), 0);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'ACCEPTED',
      error: null,
      rows: GOOD + bad.length,
      applied: GOOD,
      duplicates: 0,
      quarantined: bad.length,
      appliedTotalFen: goodTotal,
    });
    const lineOf = (voucher: string) => lines.findIndex((l) => l.voucher === voucher) + 2; // header is line 1
    const rejects = (await api(under.svc.url, 'GET', `/v1/feeds/${r.body.feedId}/rejects`, tax)).body
      .rows as { line: number; kind: string; code: string; message: string; amountFen: number | null }[];
    expect(rejects).toEqual(
      bad.map((b) => ({
        line: lineOf(b.voucher),
        kind: 'QUARANTINED',
        code: b.code,
        message: b.message,
        voucherNo: b.voucher,
        channel: 'WECHAT',
        // An amount the ledger's integer column cannot hold is not kept.
        amountFen: Math.abs(Number(b.amount)) > 2_147_483_647 ? null : Number(b.amount),
        idNumber: expect.stringMatching(/^\d{6}\*+[\dX]{4}$|^\d{6}/),
      })),
    );

    // The ledger: every good voucher once, the sum exact to the fen, no bad voucher.
    const [ledger] = (
      await db.query(
        `SELECT count(*)::int AS n, count(DISTINCT voucher_no)::int AS vouchers, sum(amount_fen)::text AS total,
                count(*) FILTER (WHERE voucher_no !~ '^BAD-[0-9]+$')::int AS bad
           FROM tax_feed.payments`,
      )
    ).rows;
    expect(ledger).toEqual({ n: GOOD, vouchers: GOOD, total: String(goodTotal), bad: 0 });
    const events = await committedEvents(db, 'tax_feed', under.prefix, 'payment.recorded');
    expect({
      n: events.length,
      vouchers: new Set(events.map((e) => e.payload.voucherNo)).size,
      total: String(events.reduce((sum, e) => sum + (e.payload.amountFen as number), 0)),
    }).toEqual({ n: GOOD, vouchers: GOOD, total: String(goodTotal) });
  });
});

describe('a feed left FAILED is not locked out', () => {
  const ROWS = 40_000;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}failedfeed.`;
  let db: Client;
  let dbUrl: string;

  beforeAll(async () => {
    dbUrl = await freshDatabase('failedfeed');
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
  });

  it('resumes from its checkpoint when the same bytes are pushed again, applying every voucher once', async () => {
    const lines = goodRows('RESUME', ROWS, () => 38000);
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      CLOCK_START: '2023-10-17T09:00:00+08:00',
    };
    const first = spawnService('tax-collection-feed-service', 20210, env);
    await waitReady(first);
    const pending = push(first.url, lines, '2023-10-16').catch(() => undefined);
    const applied = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM tax_feed.payments`)).rows[0].n as number;
    await waitFor('a first chunk applied', applied, (n) => n >= 5000, 120_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await pending;
    const atKill = await applied();
    expect(atKill).toBeLessThan(ROWS);
    // What an earlier failure (a database gone past the retry budget, an old release) leaves behind.
    await db.query(
      `UPDATE tax_feed.feeds SET status = 'FAILED', error = 'the database went away', finished_at = now()`,
    );

    const second = spawnService('tax-collection-feed-service', 20210, env);
    try {
      await waitReady(second);
      // A FAILED feed is not resumed at start by itself; the re-push does it.
      expect((await db.query(`SELECT status FROM tax_feed.feeds`)).rows).toEqual([{ status: 'FAILED' }]);
      const again = await push(second.url, lines, '2023-10-16');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        status: 'ACCEPTED',
        error: null,
        sameFileAsEarlierPush: true,
        rows: ROWS,
        applied: ROWS,
        duplicates: 0,
        quarantined: 0,
        appliedTotalFen: ROWS * 38000,
      });
      const [ledger] = (
        await db.query(`SELECT count(*)::int AS n, sum(amount_fen)::text AS total FROM tax_feed.payments`)
      ).rows;
      expect(ledger).toEqual({ n: ROWS, total: String(ROWS * 38000) });
      // One payment.recorded per voucher, though the first process stopped half way.
      const events = await committedEvents(db, 'tax_feed', prefix, 'payment.recorded');
      expect({
        events: new Set(events.map((e) => e.payload.voucherNo)).size,
        eventRows: events.length,
      }).toEqual({
        events: ROWS,
        eventRows: ROWS,
      });
    } finally {
      await second.stop();
    }
  });
});
