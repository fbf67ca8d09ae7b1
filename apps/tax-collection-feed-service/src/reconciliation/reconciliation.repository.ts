import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface FeedOfDay {
  id: string;
  regionCode: string;
  status: string;
  late: boolean;
  declaredCount: number;
  declaredTotalFen: number;
  rowsRead: number;
  applied: number;
  reversed: number;
  duplicates: number;
  quarantined: number;
  appliedTotalFen: number;
  receivedAt: Date;
}

/** Rows of one feed table grouped by channel and kind (PAYMENT/REVERSAL or DUPLICATE/QUARANTINED). */
export interface ChannelFigure {
  channel: string | null;
  kind: string;
  count: number;
  amountFen: number;
}

export interface LateFeedMark {
  regionCode: string;
  clearedBy: string | null;
}

interface FeedRow {
  id: string;
  region_code: string;
  status: string;
  late: boolean;
  declared_count: number;
  declared_total_fen: string;
  rows_read: number;
  applied: number;
  reversed: number;
  duplicates: number;
  quarantined: number;
  applied_total_fen: string;
  received_at: Date;
}

interface FigureRow {
  channel: string | null;
  kind: string;
  n: number;
  fen: string | null;
}

/** What 每日对账 reads: the feeds of a date, their ledger and exception figures, the late marks. */
@Injectable()
export class ReconciliationRepository {
  constructor(private readonly dataSource: DataSource) {}

  async feedsOf(date: string, region: string | null): Promise<FeedOfDay[]> {
    const rows: FeedRow[] = await this.dataSource.query(
      `SELECT id, region_code, status, late, declared_count, declared_total_fen::text, rows_read, applied, reversed,
              duplicates, quarantined, applied_total_fen::text, received_at FROM tax_feed.feeds
        WHERE feed_date = $1 AND ($2::text IS NULL OR region_code = $2) ORDER BY received_at`,
      [date, region],
    );
    return rows.map((f) => ({
      id: f.id,
      regionCode: f.region_code,
      status: f.status,
      late: f.late,
      declaredCount: f.declared_count,
      declaredTotalFen: Number(f.declared_total_fen),
      rowsRead: f.rows_read,
      applied: f.applied,
      reversed: f.reversed,
      duplicates: f.duplicates,
      quarantined: f.quarantined,
      appliedTotalFen: Number(f.applied_total_fen),
      receivedAt: f.received_at,
    }));
  }

  /** Ledger rows (payments and reversals) of these feeds. */
  ledgerFigures(feedIds: string[]): Promise<ChannelFigure[]> {
    return this.figures('payments', feedIds);
  }

  /** Duplicates and quarantined rows of these feeds. */
  exceptionFigures(feedIds: string[]): Promise<ChannelFigure[]> {
    return this.figures('exceptions', feedIds);
  }

  async lateFeedsOf(date: string, region: string | null): Promise<LateFeedMark[]> {
    const rows: { region_code: string; cleared_by: string | null }[] = await this.dataSource.query(
      `SELECT region_code, cleared_by FROM tax_feed.late_feeds
        WHERE feed_date = $1 AND ($2::text IS NULL OR region_code = $2) ORDER BY region_code`,
      [date, region],
    );
    return rows.map((r) => ({ regionCode: r.region_code, clearedBy: r.cleared_by }));
  }

  private async figures(table: 'payments' | 'exceptions', feedIds: string[]): Promise<ChannelFigure[]> {
    const rows: FigureRow[] = await this.dataSource.query(
      `SELECT channel, kind, count(*)::int AS n, sum(amount_fen)::text AS fen FROM tax_feed.${table}
        WHERE feed_id = ANY($1::uuid[]) GROUP BY 1, 2`,
      [feedIds],
    );
    return rows.map((r) => ({ channel: r.channel, kind: r.kind, count: r.n, amountFen: Number(r.fen ?? 0) }));
  }
}
