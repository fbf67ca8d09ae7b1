import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { isBusinessDate } from '@urrbmi/domain';
import { ApiErrors, DomainError, Roles } from '@urrbmi/platform';

interface Figure {
  count: number;
  amountFen: number;
}

/**
 * 每日对账: for a payment date, what the tax bureau declared against what was applied, per feed and
 * per channel — accepted, reversed, duplicates, quarantined — with every difference named.
 */
@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('tax', 'mib', 'finance', 'ops')
  @ApiOperation({
    summary:
      'Daily reconciliation for a feed date: declared control totals against what was applied, per channel; differences flagged',
  })
  @ApiQuery({ name: 'date', example: '2023-10-16' })
  @ApiQuery({ name: 'region', required: false, example: '620725' })
  @ApiErrors({ 400: ['BAD_QUERY'] })
  async reconcile(@Query('date') date: string, @Query('region') region?: string) {
    if (!date || !isBusinessDate(date)) throw new DomainError('BAD_QUERY', 'date must be YYYY-MM-DD', 400);
    if (region !== undefined && !/^\d{6}$/.test(region))
      throw new DomainError('BAD_QUERY', 'region must be a 6-digit code', 400);
    const feeds: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, region_code, status, late, declared_count, declared_total_fen::text, rows_read, applied, reversed, duplicates, quarantined,
              applied_total_fen::text, received_at FROM tax_feed.feeds
        WHERE feed_date = $1 AND ($2::text IS NULL OR region_code = $2) ORDER BY received_at`,
      [date, region ?? null],
    );
    const ids = feeds.map((f) => f.id as string);
    const applied: { channel: string | null; kind: string; n: number; fen: string }[] =
      await this.dataSource.query(
        `SELECT channel, kind, count(*)::int AS n, sum(amount_fen)::text AS fen FROM tax_feed.payments WHERE feed_id = ANY($1::uuid[]) GROUP BY 1, 2`,
        [ids],
      );
    const exceptions: { channel: string | null; kind: string; n: number; fen: string | null }[] =
      await this.dataSource.query(
        `SELECT channel, kind, count(*)::int AS n, sum(amount_fen)::text AS fen FROM tax_feed.exceptions WHERE feed_id = ANY($1::uuid[]) GROUP BY 1, 2`,
        [ids],
      );
    const late: { region_code: string; cleared_by: string | null }[] = await this.dataSource.query(
      `SELECT region_code, cleared_by FROM tax_feed.late_feeds WHERE feed_date = $1 AND ($2::text IS NULL OR region_code = $2) ORDER BY region_code`,
      [date, region ?? null],
    );
    const channels = new Map<
      string,
      { accepted: Figure; reversed: Figure; duplicates: Figure; quarantined: Figure }
    >();
    const slot = (c: string | null) => {
      const k = c ?? 'UNKNOWN';
      if (!channels.has(k))
        channels.set(k, {
          accepted: { count: 0, amountFen: 0 },
          reversed: { count: 0, amountFen: 0 },
          duplicates: { count: 0, amountFen: 0 },
          quarantined: { count: 0, amountFen: 0 },
        });
      return channels.get(k)!;
    };
    for (const a of applied) {
      const f = slot(a.channel)[a.kind === 'PAYMENT' ? 'accepted' : 'reversed'];
      f.count += a.n;
      f.amountFen += Number(a.fen);
    }
    for (const e of exceptions) {
      const f = slot(e.channel)[e.kind === 'DUPLICATE' ? 'duplicates' : 'quarantined'];
      f.count += e.n;
      f.amountFen += Number(e.fen ?? 0);
    }
    const differences: { feedId?: string; regionCode: string; code: string; message: string }[] = [];
    const perFeed = feeds.map((f) => {
      const declared = Number(f.declared_total_fen);
      const appliedTotal = Number(f.applied_total_fen);
      if (f.status !== 'ACCEPTED')
        differences.push({
          feedId: f.id as string,
          regionCode: f.region_code as string,
          code: 'NOT_ACCEPTED',
          message: `feed is ${f.status}`,
        });
      if (declared !== appliedTotal) {
        differences.push({
          feedId: f.id as string,
          regionCode: f.region_code as string,
          code: 'AMOUNT_NOT_APPLIED',
          message: `declared ${declared} fen, applied ${appliedTotal} fen: ${declared - appliedTotal} fen in duplicates or quarantine`,
        });
      }
      if ((f.quarantined as number) > 0)
        differences.push({
          feedId: f.id as string,
          regionCode: f.region_code as string,
          code: 'ROWS_QUARANTINED',
          message: `${f.quarantined} rows quarantined`,
        });
      return {
        feedId: f.id,
        regionCode: f.region_code,
        status: f.status,
        late: f.late,
        declared: { count: f.declared_count, totalFen: declared },
        rows: f.rows_read,
        applied: f.applied,
        reversed: f.reversed,
        duplicates: f.duplicates,
        quarantined: f.quarantined,
        appliedTotalFen: appliedTotal,
        receivedAt: f.received_at,
      };
    });
    for (const l of late) {
      if (!l.cleared_by)
        differences.push({
          regionCode: l.region_code,
          code: 'FEED_MISSING',
          message: `no feed for ${date} arrived by the 16:00 deadline`,
        });
    }
    return {
      date,
      feeds: perFeed,
      byChannel: [...channels.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([channel, figures]) => ({ channel, ...figures })),
      differences,
    };
  }
}
