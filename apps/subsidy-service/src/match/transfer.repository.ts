import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type TransferStatus = 'REQUESTED' | 'PAID' | 'FAILED';

/** A transfer instruction the match decided on, before it is stored. */
export interface NewTransfer {
  id: string;
  idNumber: string;
  season: number;
  regionCode: string;
  amountFen: number;
  category: string;
  route: string;
  transferMonth: string;
  reason: string;
}

export interface TransferLine {
  id: string;
  idNumber: string;
  route: string;
  amountFen: number;
  category: string;
  status: TransferStatus;
  regionCode: string;
}

/** A bank result applied to a transfer. */
export interface SettledTransfer {
  id: string;
  idNumber: string;
  season: number;
  amountFen: number;
  status: 'PAID' | 'FAILED';
  failure: string | null;
}

export interface BankResult {
  transferId: string;
  status: 'PAID' | 'FAILED';
  failure?: string;
}

/** One-card transfers: at most one live (not FAILED) transfer per person and season. */
@Injectable()
export class TransferRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the transfers of a match; a person who already has a live one is skipped. Returns the stored ids. */
  async insertRequested(m: EntityManager, month: string, ts: NewTransfer[], at: Date): Promise<Set<string>> {
    if (ts.length === 0) return new Set();
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO subsidy.transfers (id, id_number, season, region_code, match_month, transfer_month, amount_fen, category, route, status, reason, created_at)
       SELECT id, i, s, r, $1, tm, a, c, rt, 'REQUESTED', why, $11::timestamptz FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])
         AS x(id, i, s, r, tm, a, c, rt, why)
       ON CONFLICT (id_number, season) WHERE status <> 'FAILED' DO NOTHING RETURNING id`,
      [
        month,
        ts.map((c) => c.id),
        ts.map((c) => c.idNumber),
        ts.map((c) => c.season),
        ts.map((c) => c.regionCode),
        ts.map((c) => c.transferMonth),
        ts.map((c) => c.amountFen),
        ts.map((c) => c.category),
        ts.map((c) => c.route),
        ts.map((c) => c.reason),
        at,
      ],
    );
    return new Set(inserted.map((r) => r.id));
  }

  /** The instructions of a transfer month, optionally of one payout route. */
  async ofMonth(month: string, route?: string): Promise<TransferLine[]> {
    const rows: {
      route: string;
      id: string;
      id_number: string;
      amount_fen: number;
      category: string;
      status: TransferStatus;
      region_code: string;
    }[] = await this.dataSource.query(
      `SELECT route, id, id_number, amount_fen, category, status, region_code FROM subsidy.transfers
        WHERE transfer_month = $1 AND ($2::text IS NULL OR route = $2) ORDER BY route, id_number`,
      [month, route ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      idNumber: r.id_number,
      route: r.route,
      amountFen: r.amount_fen,
      category: r.category,
      status: r.status,
      regionCode: r.region_code,
    }));
  }

  /** Applies bank results to transfers still REQUESTED; others (unknown, settled before) are left alone. */
  async settle(m: EntityManager, results: BankResult[], by: string, at: Date): Promise<SettledTransfer[]> {
    const [updated]: [
      {
        id: string;
        id_number: string;
        season: number;
        amount_fen: number;
        status: 'PAID' | 'FAILED';
        failure: string | null;
      }[],
      number,
    ] = await m.query(
      `UPDATE subsidy.transfers t SET status = x.s, failure = x.f, settled_at = $5, settled_by = $4
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(id, s, f)
        WHERE t.id = x.id AND t.status = 'REQUESTED'
       RETURNING t.id, t.id_number, t.season, t.amount_fen, t.status, t.failure`,
      [
        results.map((r) => r.transferId),
        results.map((r) => r.status),
        results.map((r) => r.failure ?? null),
        by,
        at,
      ],
    );
    return updated.map((u) => ({
      id: u.id,
      idNumber: u.id_number,
      season: u.season,
      amountFen: u.amount_fen,
      status: u.status,
      failure: u.failure,
    }));
  }
}
