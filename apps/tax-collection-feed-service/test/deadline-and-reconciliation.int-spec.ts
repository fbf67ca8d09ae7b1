import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { contractCatalog } from '@urrbmi/contracts';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, DomainError, StructuredLogger } from '@urrbmi/platform';
import { loadPolicies, PolicyRegistry } from '@urrbmi/policy';
import { LateFeedsRepository } from '../src/deadline/late-feeds.repository';
import { FeedRepository } from '../src/feeds/feed.repository';
import { ReadFeedRejectsHandler, ReadFeedRejectsQuery } from '../src/feeds/read-feed-rejects.handler';
import { RaiseLateFeedsCommand, RaiseLateFeedsHandler } from '../src/deadline/raise-late-feeds.handler';
import {
  ReconcileFeedDateHandler,
  ReconcileFeedDateQuery,
} from '../src/reconciliation/reconcile-feed-date.handler';
import { ReconciliationRepository } from '../src/reconciliation/reconciliation.repository';
import { taxFeedDataSource } from './tax-feed-database';

const quiet = new StructuredLogger('test', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));

describe('tax feed use cases in process, against Postgres (no HTTP, no broker)', () => {
  let ds: DataSource;
  let raise: RaiseLateFeedsHandler;
  let reconcile: ReconcileFeedDateHandler;

  beforeAll(async () => {
    ds = await taxFeedDataSource('taxfeed');
    const outbox = new OutboxWriter('tax_feed', 'tax-collection-feed-service', contractCatalog());
    raise = new RaiseLateFeedsHandler(
      ds,
      new LateFeedsRepository(),
      outbox,
      new PolicyRegistry(loadPolicies()),
      quiet,
    );
    reconcile = new ReconcileFeedDateHandler(new ReconciliationRepository(ds));
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  const lateEvents = async () =>
    (
      await ds.query(
        `SELECT envelope->'payload' AS p FROM tax_feed.outbox WHERE topic = 'feed.late' ORDER BY id`,
      )
    ).map((r: { p: Record<string, string> }) => r.p);

  async function feed(date: string, region: string, figures: Partial<Record<string, number>> = {}) {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO tax_feed.feeds (id, sha256, feed_date, region_code, declared_count, declared_total_fen, content_type,
                                   size_bytes, storage_path, status, submitted_by, rows_read, applied, reversed,
                                   duplicates, quarantined, applied_total_fen)
       VALUES ($1, $2, $3, $4, $5, $6, 'text/csv', 1, '/nowhere', 'ACCEPTED', 'test', $7, $8, $9, $10, $11, $12)`,
      [
        id,
        randomUUID().replace(/-/g, '').padEnd(64, '0'),
        date,
        region,
        figures.declaredCount ?? 0,
        figures.declaredTotalFen ?? 0,
        figures.rows ?? 0,
        figures.applied ?? 0,
        figures.reversed ?? 0,
        figures.duplicates ?? 0,
        figures.quarantined ?? 0,
        figures.appliedTotalFen ?? 0,
      ],
    );
    return id;
  }

  it('raises feed.late once per collecting region after 16:00 the next day, not for a region whose feed came', async () => {
    const since = '2023-11-20';
    expect(
      await raise.execute(RaiseLateFeedsCommand.of(since, new Date('2023-11-21T15:59:59+08:00'))),
    ).toEqual([]);
    await feed('2023-11-20', '620725');
    const raised = await raise.execute(
      RaiseLateFeedsCommand.of(since, new Date('2023-11-21T16:00:00+08:00')),
    );
    // Shandan sent its feed; Minquan did not; Zhuji's season closed in February.
    expect(raised).toEqual([{ regionCode: '411421', feedDate: '2023-11-20' }]);
    expect(
      await raise.execute(RaiseLateFeedsCommand.of(since, new Date('2023-11-21T17:00:00+08:00'))),
    ).toEqual([]);
    expect(await lateEvents()).toEqual([
      {
        regionCode: '411421',
        feedDate: '2023-11-20',
        deadline: '2023-11-21T16:00:00.000+08:00',
        raisedAt: '2023-11-21T16:00:00.000+08:00',
      },
    ]);
  });

  it('refuses a pass without a date to start from, before touching anything', () => {
    expect(() => RaiseLateFeedsCommand.of('20 Nov', new Date())).toThrow(DomainError);
  });

  it('reconciles a date per channel and names every difference', async () => {
    const date = '2023-10-16';
    const id = await feed(date, '411421', {
      declaredCount: 4,
      declaredTotalFen: 114000,
      rows: 4,
      applied: 2,
      duplicates: 1,
      quarantined: 1,
      appliedTotalFen: 76000,
    });
    const payment = (voucher: string, channel: string, fen: number, line: number) =>
      ds.query(
        `INSERT INTO tax_feed.payments (voucher_no, kind, id_number, name, region_code, season, amount_fen, channel, paid_at, feed_id, line_no)
         VALUES ($1, 'PAYMENT', '411421199001010012', '某', '411421', 2023, $2, $3, now(), $4, $5)`,
        [voucher, fen, channel, id, line],
      );
    await payment('V1', 'WECHAT', 38000, 2);
    await payment('V2', 'BANK', 38000, 3);
    await ds.query(
      `INSERT INTO tax_feed.exceptions (feed_id, line_no, kind, code, message, channel, amount_fen)
       VALUES ($1, 4, 'DUPLICATE', 'DUPLICATE_VOUCHER', 'V1 again', 'WECHAT', 38000),
              ($1, 5, 'QUARANTINED', 'BAD_DATE', 'paid_at', NULL, NULL)`,
      [id],
    );
    await ds.query(`INSERT INTO tax_feed.late_feeds (region_code, feed_date) VALUES ('620725', $1)`, [date]);

    const r = await reconcile.execute(ReconcileFeedDateQuery.create({ date }));
    expect(r.feeds).toEqual([
      expect.objectContaining({
        feedId: id,
        declared: { count: 4, totalFen: 114000 },
        appliedTotalFen: 76000,
      }),
    ]);
    const figures = (accepted: number, duplicates: number, quarantined: number) => ({
      accepted: { count: accepted, amountFen: accepted * 38000 },
      reversed: { count: 0, amountFen: 0 },
      duplicates: { count: duplicates, amountFen: duplicates * 38000 },
      quarantined: { count: quarantined, amountFen: 0 },
    });
    expect(r.byChannel).toEqual([
      { channel: 'BANK', ...figures(1, 0, 0) },
      { channel: 'UNKNOWN', ...figures(0, 0, 1) },
      { channel: 'WECHAT', ...figures(1, 1, 0) },
    ]);
    expect(r.differences.map((d) => [d.regionCode, d.code])).toEqual([
      ['411421', 'AMOUNT_NOT_APPLIED'],
      ['411421', 'ROWS_QUARANTINED'],
      ['620725', 'FEED_MISSING'],
    ]);
    expect(r.differences[0].message).toBe(
      'declared 114000 fen, applied 76000 fen: 38000 fen in duplicates or quarantine',
    );
    // One region only.
    const shandan = await reconcile.execute(ReconcileFeedDateQuery.create({ date, region: '620725' }));
    expect(shandan.feeds).toEqual([]);
    expect(shandan.differences.map((d) => d.code)).toEqual(['FEED_MISSING']);
  });

  it('refuses a date that does not exist or a bad region with a 400 naming the field', () => {
    for (const bad of [{ date: '2023-02-30' }, { date: '2023-10-16', region: '62072' }]) {
      let caught: unknown;
      try {
        ReconcileFeedDateQuery.create(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DomainError);
      expect((caught as DomainError).status).toBe(400);
    }
  });

  it("streams a feed's rejects page by page as one JSON document, every line once and in order", async () => {
    const feedId = await feed('2023-11-22', '620725', { quarantined: 12_001 });
    await ds.query(
      `INSERT INTO tax_feed.exceptions (feed_id, line_no, kind, code, message, voucher_no, amount_fen)
       SELECT $1, n, 'QUARANTINED', 'BAD_AMOUNT', 'amount_fen ' || n || ' is not a whole number of fen', 'V' || n, NULL
         FROM generate_series(2, 12002) AS n`,
      [feedId],
    );
    const rejects = new ReadFeedRejectsHandler(new FeedRepository(ds, new Clock()));
    const download = await rejects.execute(ReadFeedRejectsQuery.create({ feedId }));
    const chunks: string[] = [];
    await download.writeTo(
      new Writable({
        highWaterMark: 1024,
        write: (c: Buffer, _e, cb) => {
          chunks.push(c.toString());
          setImmediate(cb);
        },
      }),
    );
    expect(chunks.length).toBeGreaterThan(3);
    const body = JSON.parse(chunks.join('')) as {
      feedId: string;
      rows: { line: number; voucherNo: string }[];
    };
    expect(body.feedId).toBe(feedId);
    expect(body.rows).toHaveLength(12_001);
    expect(body.rows.every((r, i) => r.line === i + 2 && r.voucherNo === `V${i + 2}`)).toBe(true);

    const none = await rejects.execute(
      ReadFeedRejectsQuery.create({ feedId: await feed('2023-11-23', '620725') }),
    );
    let empty = '';
    await none.writeTo(
      new Writable({
        write: (c: Buffer, _e, cb) => {
          empty += c.toString();
          cb();
        },
      }),
    );
    expect(JSON.parse(empty)).toEqual({ feedId: expect.any(String), rows: [] });
    await expect(rejects.execute(ReadFeedRejectsQuery.create({ feedId: randomUUID() }))).rejects.toThrow(
      'no feed',
    );
  });
});
