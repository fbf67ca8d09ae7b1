import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { contractCatalog } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, loadSettings, StructuredLogger } from '@urrbmi/platform';
import { loadPolicies, PolicyRegistry } from '@urrbmi/policy';
import { FeedProcessor } from '../src/feeds/feed-processor';
import { FeedSettings } from '../src/feeds/feed-settings';
import { FeedRecord, FeedRepository } from '../src/feeds/feed.repository';
import { taxFeedDataSource } from './tax-feed-database';

const HEADER =
  'voucher_no,kind,original_voucher_no,id_number,name,region_code,township_code,village_code,season,amount_fen,channel,paid_at';

/** The feed's repository and processor on the test database's `tax_feed` schema: no HTTP, no Nest. */
describe('tax feeds on the shared file job (repository and processor, real Postgres)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'feed-file-job-'));
  const clock = new Clock('2023-10-21T09:00:00+08:00');
  let ds: DataSource;
  let feeds: FeedRepository;
  let processor: FeedProcessor;

  beforeAll(async () => {
    ds = await taxFeedDataSource();
    feeds = new FeedRepository(ds, clock);
    processor = new FeedProcessor(
      ds,
      feeds,
      new OutboxWriter('tax_feed', 'tax-collection-feed-service', contractCatalog()),
      new PolicyRegistry(loadPolicies()),
      clock,
      new StructuredLogger('tax-collection-feed-service', 'silent'),
      loadSettings(FeedSettings, { FEED_MAX_ATTEMPTS: '2' }),
    );
  });

  afterAll(async () => {
    await processor?.onApplicationShutdown();
    await ds?.destroy();
  });

  async function storedFeed(tag: string, rows: number): Promise<FeedRecord> {
    const lines = Array.from({ length: rows }, (_, i) => {
      const first17 = `41142119800101${String(i).padStart(3, '0')}`;
      return `${tag}-${i},PAYMENT,,${first17}${residentIdCheckChar(first17)},缴费人,411421,,,2023,38000,WECHAT,2023-10-20T10:00:00+08:00`;
    });
    const file = path.join(dir, `${tag}.csv`);
    writeFileSync(file, [HEADER, ...lines].join('\n') + '\n');
    return (await feeds.create({
      id: randomUUID(),
      sha256: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      feedDate: '2023-10-20',
      regionCode: '411421',
      declaredCount: rows,
      declaredTotalFen: rows * 38000,
      contentType: 'text/csv',
      sizeBytes: 1,
      storagePath: file,
      submittedBy: 'test',
      late: true,
    }))!;
  }

  it('applies a feed, clears the late alarm and publishes feed.accepted in the last chunk', async () => {
    await ds.query(
      `INSERT INTO tax_feed.late_feeds (region_code, feed_date) VALUES ('411421', '2023-10-20') ON CONFLICT DO NOTHING`,
    );
    const feed = await storedFeed('OK', 3);
    await processor.process(feed);
    expect(await feeds.find(feed.id)).toMatchObject({ status: 'ACCEPTED', applied: 3, processedLines: 4 });
    const [alarm] = await ds.query(
      `SELECT cleared_by FROM tax_feed.late_feeds WHERE region_code = '411421' AND feed_date = '2023-10-20'`,
    );
    expect(alarm.cleared_by).toBe(feed.id);
    const [accepted] = await ds.query(
      `SELECT envelope->'payload' AS p FROM tax_feed.outbox WHERE event_type = 'feed.accepted@1' AND envelope->'payload'->>'feedId' = $1`,
      [feed.id],
    );
    expect(accepted.p).toMatchObject({
      feedDate: '2023-10-20',
      regionCode: '411421',
      rows: 3,
      applied: 3,
      appliedTotalFen: 114000,
      declaredTotalFen: 114000,
      late: true,
      acceptedAt: expect.stringMatching(/^2023-10-21T09:00/),
    });
  });

  it('sets aside a feed that stopped the service FEED_MAX_ATTEMPTS times without progress; a re-push does not reopen it', async () => {
    const feed = await storedFeed('POISON', 2);
    // What two starts that crashed before the first chunk committed leave behind.
    await ds.query(
      `UPDATE tax_feed.feeds SET attempts = 2, attempt_from_line = processed_lines WHERE id = $1`,
      [feed.id],
    );
    await processor.process(feed);
    const aside = (await feeds.find(feed.id))!;
    expect(aside).toMatchObject({ status: 'FAILED', applied: 0 });
    expect(aside.setAsideAt).not.toBeNull();
    expect(aside.error).toMatch(/^set aside: processing this file stopped 2 times/);
    expect(await feeds.reopen(feed.id, feed.storagePath)).toBeUndefined();
    expect((await feeds.processing()).map((f) => f.id)).not.toContain(feed.id);
  });

  it('reopens a plain FAILED feed with its attempts reset, and fails one whose raw file is gone', async () => {
    const feed = await storedFeed('AGAIN', 2);
    await ds.query(
      `UPDATE tax_feed.feeds SET status = 'FAILED', error = 'x', attempts = 2, attempt_from_line = 1 WHERE id = $1`,
      [feed.id],
    );
    const reopened = (await feeds.reopen(feed.id, feed.storagePath))!;
    expect(reopened).toMatchObject({ status: 'PROCESSING', error: null });
    await processor.process(reopened);
    expect(await feeds.find(feed.id)).toMatchObject({ status: 'ACCEPTED', applied: 2 });

    const gone = await storedFeed('GONE', 1);
    await ds.query(`UPDATE tax_feed.feeds SET storage_path = $2 WHERE id = $1`, [
      gone.id,
      `${gone.storagePath}.moved`,
    ]);
    await processor.process((await feeds.find(gone.id))!);
    expect(await feeds.find(gone.id)).toMatchObject({
      status: 'FAILED',
      error: 'the uploaded file is no longer in storage; push it again',
    });
    expect(existsSync(gone.storagePath)).toBe(true);
  });
});
