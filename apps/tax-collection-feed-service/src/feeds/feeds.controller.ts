import {
  Controller,
  Get,
  Headers,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { isBusinessDate, isFeedLate } from '@urrbmi/domain';
import { checkHeader, normaliseHeader, readTabularRows, UploadStore } from '@urrbmi/files';
import { fileColumns } from '@urrbmi/contracts';
import {
  ApiErrors,
  ApiRegionHeader,
  ApiUpload,
  Clock,
  CurrentPrincipal,
  DomainError,
  Principal,
  receiveTabularUpload,
  Roles,
} from '@urrbmi/platform';
import { PolicyRegistry } from '@urrbmi/policy';
import { controlAmount, FEED_COLUMNS } from './feed-row';
import { FeedRejectsView, FeedResultView, FeedSummaryView } from './feed-views';
import { FeedProcessor } from './feed-processor';
import { FeedRecord, FeedRepository } from './feed.repository';

const MAX_BYTES = Number(process.env.FEED_MAX_BYTES ?? 1024 * 1024 * 1024);
const STORAGE_DIR = process.env.FEED_STORAGE_DIR ?? path.join(tmpdir(), 'urrbmi-tax-feeds');
const RESPONSE_EXCEPTIONS = 1000;

@ApiTags('feeds')
@ApiBearerAuth()
@Controller('v1/feeds')
export class FeedsController {
  private readonly store = new UploadStore(STORAGE_DIR);

  constructor(
    private readonly feeds: FeedRepository,
    private readonly processor: FeedProcessor,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('tax')
  @ApiOperation({
    summary: "The tax bureau's daily payment detail for day D (税务缴费明细), due before 16:00 on D+1",
    description: `CSV with header ${FEED_COLUMNS.join(',')}. Control totals in headers are checked over all rows first: a mismatch is 422 and nothing is stored. Rows that would break the ledger or the event contract (amount beyond 2147483647 fen, an impossible calendar day, a name over 100 characters, a season outside 2000-2100) are quarantined with a reason like any other bad row. The same file again returns the first result (200); a feed that FAILED is resumed from its checkpoint instead.`,
  })
  @ApiUpload({
    kinds: ['daily-feed'],
    maxBytes: '1 GiB',
    maxBytesSetting: 'FEED_MAX_BYTES',
    readOnReceipt: true,
  })
  @ApiHeader({
    name: 'X-Feed-Date',
    required: true,
    example: '2023-10-16',
    description: 'day D the payments were made',
  })
  @ApiRegionHeader(true, 'the county the feed is for; it must have a policy')
  @ApiHeader({
    name: 'X-Record-Count',
    required: true,
    example: '1',
    description: 'control total: data rows',
  })
  @ApiHeader({
    name: 'X-Total-Amount-Fen',
    required: true,
    example: '38000',
    description: 'control total: sum of amount_fen, reversals negative',
  })
  @ApiCreatedResponse({
    description: 'processed; counts, totals and the first rejects',
    type: FeedResultView,
  })
  @ApiOkResponse({
    description: 'the same file was pushed before: its result (sameFileAsEarlierPush)',
    type: FeedResultView,
  })
  @ApiErrors({ 400: ['BAD_HEADER'], 422: ['CONTROL_TOTALS_MISMATCH'] })
  async push(
    @Req() req: Readable,
    @Res({ passthrough: true }) res: { status(n: number): void; setHeader(k: string, v: string): void },
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-feed-date') feedDate = '',
    @Headers('x-region-code') regionCode = '',
    @Headers('x-record-count') countHeader = '',
    @Headers('x-total-amount-fen') totalHeader = '',
  ) {
    if (!isBusinessDate(feedDate))
      throw new DomainError('BAD_HEADER', 'X-Feed-Date must be a date YYYY-MM-DD', 400);
    if (!/^\d{6}$/.test(regionCode) || !this.policies.ids().some((id) => id.startsWith(`${regionCode}-`))) {
      throw new DomainError('BAD_HEADER', `X-Region-Code ${regionCode} is not a region with a policy`, 400);
    }
    if (!/^\d{1,9}$/.test(countHeader))
      throw new DomainError('BAD_HEADER', 'X-Record-Count must be a whole number', 400);
    if (!/^-?\d{1,15}$/.test(totalHeader))
      throw new DomainError('BAD_HEADER', 'X-Total-Amount-Fen must be an integer number of fen', 400);
    const stored = await receiveTabularUpload(this.store, req, contentType, MAX_BYTES, false);
    const earlier = await this.feeds.findBySha(stored.sha256);
    if (earlier) {
      res.status(200);
      // A feed that failed (database gone, process killed) is never locked out: the same bytes
      // again resume it from its checkpoint, with the file just received as its raw file.
      const resumed =
        earlier.status === 'FAILED' ? await this.feeds.reopen(earlier.id, stored.path) : undefined;
      if (!resumed && stored.path !== earlier.storagePath) await rm(stored.path, { force: true });
      return this.result(await this.finished(resumed ?? earlier), true);
    }
    // Control totals over every row, before anything is stored.
    let count = 0;
    let total = 0;
    try {
      // The header is checked against the contract before any row counts: a file missing a column
      // is refused whole rather than accepted with every row quarantined.
      const rows = readTabularRows(stored.path, contentType, undefined, (cells) =>
        checkHeader(normaliseHeader(cells), fileColumns('daily-feed')),
      );
      for await (const row of rows) {
        count++;
        total += controlAmount(row.values);
      }
    } catch (e) {
      await rm(stored.path, { force: true });
      throw e;
    }
    const declaredCount = Number(countHeader);
    const declaredTotal = Number(totalHeader);
    if (count !== declaredCount || total !== declaredTotal) {
      await rm(stored.path, { force: true });
      throw new DomainError(
        'CONTROL_TOTALS_MISMATCH',
        `control totals do not match the file: declared ${declaredCount} rows and ${declaredTotal} fen, found ${count} rows and ${total} fen`,
        422,
        {
          declared: { count: declaredCount, totalFen: declaredTotal },
          found: { count, totalFen: total },
        },
      );
    }
    const created = await this.feeds.create({
      id: randomUUID(),
      sha256: stored.sha256,
      feedDate,
      regionCode,
      declaredCount,
      declaredTotalFen: declaredTotal,
      contentType,
      sizeBytes: stored.sizeBytes,
      storagePath: stored.path,
      submittedBy: by.holder,
      late: isFeedLate(feedDate, this.clock.now()),
    });
    const feed = created ?? (await this.feeds.findBySha(stored.sha256))!; // a concurrent push of the same file won
    if (created) res.status(201);
    else res.status(200);
    return this.result(await this.finished(feed), !created);
  }

  @Get(':id')
  @Roles('tax', 'mib', 'ops')
  @ApiOperation({ summary: 'A feed: status (PROCESSING while a large file goes through), counts and totals' })
  @ApiOkResponse({ type: FeedSummaryView })
  @ApiErrors({ 404: [] })
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const f = await this.feeds.find(id);
    if (!f) throw new NotFoundException(`no feed ${id}`);
    return this.summary(f);
  }

  @Get(':id/rejects')
  @Roles('tax', 'mib')
  @ApiOperation({
    summary: 'Quarantined rows (with reason) and duplicates of a feed, by line; ID numbers masked',
  })
  @ApiOkResponse({ type: FeedRejectsView })
  @ApiErrors({ 404: [] })
  async rejects(@Param('id', ParseUUIDPipe) id: string) {
    const f = await this.feeds.find(id);
    if (!f) throw new NotFoundException(`no feed ${id}`);
    return { feedId: id, rows: await this.feeds.exceptions(id, 1_000_000) };
  }

  /** Waits for the processor (started here, or resumed at start-up) to finish the feed. */
  private async finished(feed: FeedRecord): Promise<FeedRecord> {
    if (feed.status === 'PROCESSING') await this.processor.process(feed);
    // Another instance may be the one carrying it on: wait for it to finish.
    for (let f = (await this.feeds.find(feed.id))!; ; f = (await this.feeds.find(feed.id))!) {
      if (f.status !== 'PROCESSING') return f;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private summary(f: FeedRecord) {
    return {
      feedId: f.id,
      feedDate: f.feedDate,
      regionCode: f.regionCode,
      status: f.status,
      late: f.late,
      declared: { count: f.declaredCount, totalFen: f.declaredTotalFen },
      rows: f.rowsRead,
      applied: f.applied,
      reversed: f.reversed,
      duplicates: f.duplicates,
      quarantined: f.quarantined,
      appliedTotalFen: f.appliedTotalFen,
      error: f.error,
      receivedAt: f.receivedAt,
      finishedAt: f.finishedAt,
      rejectsUrl: `/v1/feeds/${f.id}/rejects`,
    };
  }

  private async result(f: FeedRecord, sameFile: boolean) {
    return {
      ...this.summary(f),
      sameFileAsEarlierPush: sameFile,
      rejects: await this.feeds.exceptions(f.id, RESPONSE_EXCEPTIONS),
    };
  }
}
