import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { PassThrough, pipeline, Readable } from 'node:stream';
import { fileColumns } from '@urrbmi/contracts';
import { isFeedLate } from '@urrbmi/domain';
import {
  alsoInto,
  checkHeader,
  normaliseHeader,
  privateUploadStore,
  readTabularRows,
  UploadStore,
} from '@urrbmi/files';
import {
  assertTabularUploadType,
  Clock,
  CommandHandler,
  DomainError,
  receiveTabularUpload,
} from '@urrbmi/platform';
import { PolicyRegistry } from '@urrbmi/policy';
import { controlAmount } from './feed-row';
import { FeedProcessor } from './feed-processor';
import { FeedSettings } from './feed-settings';
import { FeedRecord, FeedRepository } from './feed.repository';
import { ReceiveFeedCommand } from './receive-feed.command';

export interface ReceivedFeed {
  /** 201 applied now, 200 the same bytes as an earlier push, 202 still being applied (poll the feed). */
  httpStatus: 200 | 201 | 202;
  feed: FeedRecord;
  sameFile: boolean;
}

/**
 * Stores a pushed feed, checks its control totals over every row before anything is recorded (422
 * otherwise), then applies it through the feed's file job. A small feed is answered with its final
 * counts; one above FEED_ASYNC_ABOVE_BYTES as soon as it is stored and checked (202, its status URL),
 * so no connection is held for minutes. The same bytes again answer the first feed (200), resuming
 * it from its checkpoint when it had FAILED (not when it was set aside for crashing the service).
 */
@Injectable()
export class ReceiveFeedHandler implements CommandHandler<ReceiveFeedCommand, ReceivedFeed> {
  private readonly store: UploadStore;

  constructor(
    private readonly feeds: FeedRepository,
    private readonly processor: FeedProcessor,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
    private readonly settings: FeedSettings,
  ) {
    this.store = privateUploadStore(settings.FEED_STORAGE_DIR);
  }

  async execute(cmd: ReceiveFeedCommand): Promise<ReceivedFeed> {
    if (!this.policies.ids().some((id) => id.startsWith(`${cmd.regionCode}-`)))
      throw new DomainError(
        'BAD_HEADER',
        `X-Region-Code ${cmd.regionCode} is not a region with a policy`,
        400,
      );
    assertTabularUploadType(cmd.contentType, false);
    // The control totals are counted from a second branch of the upload while it is being stored,
    // so a large file is answered as soon as its last byte is on disk, not after reading it again.
    const toCount = new PassThrough();
    const counting = this.countRows(cmd.contentType, toCount).then(
      (totals) => ({ totals }),
      (error: unknown) => ({ error }),
    );
    const stored = await receiveTabularUpload(
      this.store,
      tapped(cmd.body, toCount),
      cmd.contentType,
      this.settings.FEED_MAX_BYTES,
      false,
    ).catch((e: unknown) => {
      toCount.destroy(new Error('the upload was refused before it was stored'));
      throw e;
    });
    const earlier = await this.feeds.findBySha(stored.sha256);
    if (earlier) {
      // A feed that failed (database gone, process killed) is never locked out: the same bytes
      // again resume it from its checkpoint, with the file just received as its raw file.
      const resumed =
        earlier.status === 'FAILED' ? await this.feeds.reopen(earlier.id, stored.path) : undefined;
      if (!resumed && (stored.path !== earlier.storagePath || earlier.rawDeletedAt))
        await rm(stored.path, { force: true });
      return this.answer(resumed ?? earlier, true);
    }
    await this.checkControlTotals(cmd, stored.path, await counting);
    const created = await this.feeds.create({
      id: randomUUID(),
      sha256: stored.sha256,
      feedDate: cmd.feedDate,
      regionCode: cmd.regionCode,
      declaredCount: cmd.declaredCount,
      declaredTotalFen: cmd.declaredTotalFen,
      contentType: cmd.contentType,
      sizeBytes: stored.sizeBytes,
      storagePath: stored.path,
      submittedBy: cmd.by.holder,
      late: isFeedLate(cmd.feedDate, this.clock.now()),
    });
    // A concurrent push of the same file may have won.
    if (!created) return this.answer((await this.feeds.findBySha(stored.sha256))!, true);
    return this.answer(created, false);
  }

  /** Rows and amount of a CSV as it arrives; the header is checked first. */
  private async countRows(contentType: string, body: Readable): Promise<{ count: number; total: number }> {
    let count = 0;
    let total = 0;
    // The header is checked against the contract before any row counts: a file missing a column
    // is refused whole rather than accepted with every row quarantined.
    const rows = readTabularRows(body, contentType, undefined, (cells) =>
      checkHeader(normaliseHeader(cells), fileColumns('daily-feed')),
    );
    for await (const row of rows) {
      count++;
      total += controlAmount(row.values);
    }
    return { count, total };
  }

  /** Control totals over every row, before anything is recorded: a refused file is not kept. */
  private async checkControlTotals(
    cmd: ReceiveFeedCommand,
    file: string,
    counted: { totals: { count: number; total: number } } | { error: unknown },
  ): Promise<void> {
    if ('error' in counted) {
      await rm(file, { force: true });
      throw counted.error;
    }
    const { count, total } = counted.totals;
    if (count !== cmd.declaredCount || total !== cmd.declaredTotalFen) {
      await rm(file, { force: true });
      throw new DomainError(
        'CONTROL_TOTALS_MISMATCH',
        `control totals do not match the file: declared ${cmd.declaredCount} rows and ${cmd.declaredTotalFen} fen, found ${count} rows and ${total} fen`,
        422,
        {
          declared: { count: cmd.declaredCount, totalFen: cmd.declaredTotalFen },
          found: { count, totalFen: total },
        },
      );
    }
  }

  /**
   * Small feeds wait for their file job (started here, or resumed at start-up); large ones, and one
   * another instance is carrying on, are answered at once with 202.
   */
  private async answer(feed: FeedRecord, sameFile: boolean): Promise<ReceivedFeed> {
    const done = sameFile ? 200 : 201;
    if (feed.status !== 'PROCESSING') return { httpStatus: done, feed, sameFile };
    const job = this.processor.process(feed);
    if (feed.sizeBytes > this.settings.FEED_ASYNC_ABOVE_BYTES) return { httpStatus: 202, feed, sameFile };
    await job;
    const now = (await this.feeds.find(feed.id))!;
    return { httpStatus: now.status === 'PROCESSING' ? 202 : done, feed: now, sameFile };
  }
}

/**
 * The request body with a copy of every chunk going into `side`. Through `pipeline`: a body that
 * fails fails the copy, and when storing stops early (a file over the limit) the request is let go
 * the way a pipeline lets go of a server request, keeping its socket for the 413.
 */
function tapped(body: Readable, side: PassThrough): Readable {
  const tap = alsoInto(side);
  pipeline(body, tap, () => undefined);
  return tap;
}
