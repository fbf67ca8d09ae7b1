import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { urrbmi } from './support/cli';
import { controlTotals, feedCsv, FeedLine, minquanId } from './support/feeds';
import { ServiceUnderTest, spawnService, startServiceUnderTest, TEST_KEYS } from './support/services';

const ROWS = 12_000;

interface FeedBody {
  feedId: string;
  status: string;
  statusUrl: string;
  progress: { rowsProcessed: number; rowsTotal: number };
  details?: { code: string };
  [field: string]: unknown;
}

function lines(tag: string, n: number): FeedLine[] {
  return Array.from({ length: n }, (_, i) => ({
    voucher: `${tag}-${String(i).padStart(6, '0')}`,
    id: minquanId(i, `19${50 + (Math.floor(i / 1000) % 40)}0101`),
    amount: 38000,
  }));
}

describe('a large feed is answered 202 with a status URL, the push does not hold the connection', () => {
  let under: ServiceUnderTest;
  const dir = mkdtempSync(path.join(tmpdir(), 'filejob-async-'));

  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 21100, 'filejob_async', {
      CLOCK_START: '2023-10-21T09:00:00+08:00',
      FEED_ASYNC_ABOVE_BYTES: '64KiB', // written as a size, as an operator would
      FEED_MAX_BYTES: '4MiB',
      FEED_STORAGE_DIR: path.join(dir, 'uploads'),
    });
  });

  afterAll(async () => {
    await under?.stop();
  });

  async function push(feed: FeedLine[], totals = controlTotals(feed)) {
    const r = await fetch(`${under.svc.url}/v1/feeds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_KEYS.tax.key}`,
        'content-type': 'text/csv',
        'x-feed-date': '2023-10-20',
        'x-region-code': '411421',
        'x-record-count': String(totals.count),
        'x-total-amount-fen': String(totals.total),
      },
      body: feedCsv(feed),
    });
    return { status: r.status, location: r.headers.get('location'), body: (await r.json()) as FeedBody };
  }

  it('answers 202 + Location once stored and checked; the status URL shows rows processed of the total until ACCEPTED', async () => {
    const feed = lines('ASYNC', ROWS);
    const r = await push(feed);
    expect(r.status).toBe(202);
    expect(r.location).toBe(`/v1/feeds/${r.body.feedId}`);
    expect(r.body).toMatchObject({
      status: 'PROCESSING',
      statusUrl: r.location,
      sameFileAsEarlierPush: false,
      declared: { count: ROWS, totalFen: ROWS * 38000 },
      progress: { rowsTotal: ROWS },
    });
    expect(r.body.progress.rowsProcessed).toBeLessThan(ROWS);

    const seen: number[] = [];
    let last: FeedBody;
    const until = Date.now() + 150_000;
    for (;;) {
      const s = await fetch(`${under.svc.url}${r.location}`, {
        headers: { authorization: `Bearer ${TEST_KEYS.tax.key}` },
      });
      expect(s.status).toBe(200);
      last = (await s.json()) as FeedBody;
      seen.push(last.progress.rowsProcessed);
      if (last.status !== 'PROCESSING' || Date.now() > until) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(last).toMatchObject({
      status: 'ACCEPTED',
      applied: ROWS,
      rows: ROWS,
      appliedTotalFen: ROWS * 38000,
      progress: { rowsProcessed: ROWS, rowsTotal: ROWS },
    });
    // Progress only moves forward, in whole chunks.
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.every((n) => n % 5000 === 0 || n === ROWS)).toBe(true);

    // The same bytes again: the first feed's result, nothing counted twice.
    const again = await push(feed);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      feedId: r.body.feedId,
      status: 'ACCEPTED',
      sameFileAsEarlierPush: true,
    });
    const { rows } = await under.db.query(
      `SELECT count(*)::int AS n FROM tax_feed.payments WHERE voucher_no LIKE 'ASYNC-%'`,
    );
    expect(rows[0].n).toBe(ROWS);
  }, 200_000);

  it('keeps the 422 contract for a large file whose control totals do not match: nothing stored', async () => {
    const feed = lines('MISMATCH', 3000);
    const r = await push(feed, { count: 3000, total: 1 });
    expect(r.status).toBe(422);
    expect(r.body.details?.code).toBe('CONTROL_TOTALS_MISMATCH');
    const { rows } = await under.db.query(
      `SELECT count(*)::int AS n FROM tax_feed.feeds WHERE declared_total_fen = 1`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('answers a feed over FEED_MAX_BYTES 413 while it arrives (the control totals reader stops with it), keeping nothing', async () => {
    const feed = lines('TOOBIG', 40_000);
    expect(Buffer.byteLength(feedCsv(feed))).toBeGreaterThan(4 * 1024 * 1024);
    const r = await push(feed);
    expect(r.status).toBe(413);
    expect(r.body.details?.code).toBe('FILE_TOO_LARGE');
    const stored = readdirSync(path.join(dir, 'uploads')).filter((f) => f.includes('upload'));
    const { rows } = await under.db.query(
      `SELECT count(*)::int AS n FROM tax_feed.feeds WHERE declared_count = 40000`,
    );
    expect(rows[0].n).toBe(0);
    // Nothing of it on disk: only the files of the feeds stored before it.
    const { rows: kept } = await under.db.query(`SELECT count(*)::int AS n FROM tax_feed.feeds`);
    expect(stored.filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(stored.length).toBeLessThanOrEqual(kept[0].n);
  }, 120_000);

  it('urrbmi feed push follows the 202 status URL and reports the final counts', async () => {
    const file = path.join(dir, 'feed-cli.csv');
    writeFileSync(file, feedCsv(lines('CLIASYNC', 3000)));
    const out = await urrbmi(
      ['feed', 'push', file, '--date', '2023-10-20', '--region', '411421', '--no-progress'],
      under.svc.url,
    );
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'ACCEPTED', applied: 3000, quarantined: 0 });
  }, 120_000);
});

describe('upload settings are validated at boot', () => {
  it.each([
    [
      'tax-collection-feed-service',
      'FEED_MAX_BYTES',
      '512M',
      'FEED_MAX_BYTES must be a size such as 512MB, 1GiB or a number of bytes',
    ],
    [
      'enrollment-service',
      'BATCH_MAX_BYTES',
      'lots',
      'BATCH_MAX_BYTES must be a size such as 512MB, 1GiB or a number of bytes',
    ],
    ['enrollment-service', 'BATCH_RETRY_FOR_MS', 'soon', 'BATCH_RETRY_FOR_MS must be an integer'],
    [
      'refund-service',
      'REFUND_BATCH_MAX_BYTES',
      '64 megs',
      'REFUND_BATCH_MAX_BYTES must be a size such as 512MB, 1GiB or a number of bytes',
    ],
  ] as const)('%s stops at boot when %s=%s, naming it', async (service, setting, value, expected) => {
    const svc = spawnService(service, 21110, { [setting]: value });
    const code = await new Promise<number | null>((resolve) => svc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(svc.output()).toContain(`[${service}] invalid configuration: ${setting}: ${expected}`);
  });
});
