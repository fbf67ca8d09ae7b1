import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface DailyCollectionRow {
  date: string;
  channel: string;
  payments: number;
  paidFen: number;
  reversals: number;
  reversedFen: number;
  netFen: number;
}

export interface SubsidyAssessedRow {
  category: string | null;
  mode: string | null;
  route: string | null;
  people: number;
  subsidyFen: number;
}

export interface SubsidyTransferRow {
  category: string | null;
  route: string | null;
  requested: number;
  requestedFen: number;
  settled: number;
  settledFen: number;
  failed: number;
}

type Num = number | string;

@Injectable()
export class CollectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Money collected per Shanghai day and channel: payments on the day they were paid, reversals on
   * the day they were reversed, in the channel (and area) of the payment they reverse.
   */
  async daily(
    season: number,
    regionCode: string,
    townshipCode: string | null,
    from: string | null,
    to: string | null,
  ): Promise<DailyCollectionRow[]> {
    const rows: {
      d: string;
      channel: string;
      payments: Num;
      paid_fen: Num;
      reversals: Num;
      reversed_fen: Num;
    }[] = await this.dataSource.query(
      `SELECT to_char(d, 'YYYY-MM-DD') AS d, channel, sum(np) AS payments, sum(pf) AS paid_fen,
              sum(nr) AS reversals, sum(rf) AS reversed_fen
         FROM (SELECT paid_date AS d, channel, 1 AS np, amount_fen AS pf, 0 AS nr, 0 AS rf, township_code
                 FROM reporting.fact_payment WHERE season = $1 AND region_code = $2
               UNION ALL
               SELECT v.reversed_date, COALESCE(o.channel, 'UNKNOWN'), 0, 0, 1, v.amount_fen, o.township_code
                 FROM reporting.fact_reversal v
                 LEFT JOIN reporting.fact_payment o ON o.voucher_no = v.original_voucher_no
                WHERE v.season = $1 AND v.region_code = $2) x
        WHERE ($3::text IS NULL OR township_code = $3)
          AND ($4::date IS NULL OR d >= $4) AND ($5::date IS NULL OR d <= $5)
        GROUP BY d, channel ORDER BY d, channel`,
      [season, regionCode, townshipCode, from, to],
    );
    return rows.map((r) => ({
      date: r.d,
      channel: r.channel,
      payments: Number(r.payments),
      paidFen: Number(r.paid_fen),
      reversals: Number(r.reversals),
      reversedFen: Number(r.reversed_fen),
      netFen: Number(r.paid_fen) + Number(r.reversed_fen),
    }));
  }

  async subsidiesAssessed(season: number, regionCode: string): Promise<SubsidyAssessedRow[]> {
    const rows: {
      category: string | null;
      mode: string | null;
      route: string | null;
      people: Num;
      fen: Num;
    }[] = await this.dataSource.query(
      `SELECT category, mode, route, count(*) AS people, sum(subsidy_fen) AS fen FROM reporting.fact_assessment
          WHERE season = $1 AND region_code = $2 AND subsidy_fen > 0
          GROUP BY category, mode, route ORDER BY category, mode, route`,
      [season, regionCode],
    );
    return rows.map((r) => ({
      category: r.category,
      mode: r.mode,
      route: r.route,
      people: Number(r.people),
      subsidyFen: Number(r.fen),
    }));
  }

  /** Transfers whose request is known (a settlement alone does not say its region). */
  async subsidyTransfers(season: number, regionCode: string): Promise<SubsidyTransferRow[]> {
    const rows: {
      category: string | null;
      route: string | null;
      requested: Num;
      requested_fen: Num;
      settled: Num;
      settled_fen: Num;
      failed: Num;
    }[] = await this.dataSource.query(
      `SELECT category, route, count(*) AS requested, COALESCE(sum(requested_fen), 0) AS requested_fen,
              count(*) FILTER (WHERE settled_status = 'PAID') AS settled,
              COALESCE(sum(settled_fen) FILTER (WHERE settled_status = 'PAID'), 0) AS settled_fen,
              count(*) FILTER (WHERE settled_status = 'FAILED') AS failed
         FROM reporting.fact_transfer WHERE season = $1 AND region_code = $2
        GROUP BY category, route ORDER BY category, route`,
      [season, regionCode],
    );
    return rows.map((r) => ({
      category: r.category,
      route: r.route,
      requested: Number(r.requested),
      requestedFen: Number(r.requested_fen),
      settled: Number(r.settled),
      settledFen: Number(r.settled_fen),
      failed: Number(r.failed),
    }));
  }
}
