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
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Readable, Writable } from 'node:stream';
import { ApiErrors, ApiRegionHeader, ApiUpload, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { FEED_COLUMNS } from './feed-row';
import { FeedRejectsView, FeedResultView, FeedSummaryView } from './feed-views';
import { FeedRecord, FeedRepository } from './feed.repository';
import { ReceiveFeedCommand } from './receive-feed.command';
import { ReceiveFeedHandler } from './receive-feed.handler';
import { ReadFeedRejectsHandler, ReadFeedRejectsQuery } from './read-feed-rejects.handler';

type HttpBody = Writable & { setHeader(k: string, v: string): void };

const RESPONSE_EXCEPTIONS = 1000;

@ApiTags('feeds')
@ApiBearerAuth()
@Controller('v1/feeds')
export class FeedsController {
  constructor(
    private readonly feeds: FeedRepository,
    private readonly receive: ReceiveFeedHandler,
    private readonly readRejects: ReadFeedRejectsHandler,
  ) {}

  @Post()
  @Roles('tax')
  @ApiOperation({
    summary: "The tax bureau's daily payment detail for day D (税务缴费明细), due before 16:00 on D+1",
    description: `CSV with header ${FEED_COLUMNS.join(',')}. Control totals in headers are checked over all rows first: a mismatch is 422 and nothing is stored. Rows that would break the ledger or the event contract (amount beyond 2147483647 fen, an impossible calendar day, a name over 100 characters, a season outside 2000-2100) are quarantined with a reason like any other bad row. A small feed is answered with its final counts (201); one larger than FEED_ASYNC_ABOVE_BYTES (16 MiB by default) with 202 as soon as it is stored and its totals match: the Location header and statusUrl name GET /v1/feeds/{id}, whose rows/declared.count show the progress. The same file again returns the first result (200, or 202 while it is applied); a feed that FAILED is resumed from its checkpoint instead, unless it was set aside for crashing the service.`,
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
  @ApiAcceptedResponse({
    description:
      'a feed above FEED_ASYNC_ABOVE_BYTES: stored and its control totals matched; follow Location (statusUrl) for progress',
    type: FeedSummaryView,
  })
  @ApiErrors({ 400: ['BAD_HEADER'], 422: ['CONTROL_TOTALS_MISMATCH'] })
  async push(
    @Req() req: Readable,
    @Res({ passthrough: true }) res: { status(n: number): void; setHeader(k: string, v: string): void },
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-feed-date') feedDate = '',
    @Headers('x-region-code') regionCode = '',
    @Headers('x-record-count') recordCount = '',
    @Headers('x-total-amount-fen') totalAmountFen = '',
  ) {
    const cmd = { feedDate, regionCode, recordCount, totalAmountFen, contentType, body: req, by };
    const r = await this.receive.execute(ReceiveFeedCommand.create(cmd));
    res.status(r.httpStatus);
    res.setHeader('Location', `/v1/feeds/${r.feed.id}`);
    if (r.httpStatus === 202) return { ...this.summary(r.feed), sameFileAsEarlierPush: r.sameFile };
    return this.result(r.feed, r.sameFile);
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
  async rejects(@Param('id', ParseUUIDPipe) id: string, @Res() res: HttpBody) {
    const download = await this.readRejects.execute(ReadFeedRejectsQuery.create({ feedId: id }));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    await download.writeTo(res);
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
      statusUrl: `/v1/feeds/${f.id}`,
      progress: { rowsProcessed: f.rowsRead, rowsTotal: f.declaredCount },
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
