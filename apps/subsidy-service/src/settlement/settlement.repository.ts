import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BankResult } from '../match/transfer.repository';

export type SettlementStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED';

/** What confirming a settlement batch did to the transfers. */
export interface SettlementOutcome {
  settled: number;
  paid: number;
  failed: number;
  ignored: string[];
}

export interface SettlementBatch {
  id: string;
  status: SettlementStatus;
  results: BankResult[];
  enteredBy: string;
  enteredRole: string;
  enteredAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  note: string | null;
  outcome: SettlementOutcome | null;
}

interface SettlementRow {
  id: string;
  status: SettlementStatus;
  results: BankResult[];
  entered_by: string;
  entered_role: string;
  entered_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
  outcome: SettlementOutcome | null;
}

const toBatch = (r: SettlementRow): SettlementBatch => ({
  id: r.id,
  status: r.status,
  results: r.results,
  enteredBy: r.entered_by,
  enteredRole: r.entered_role,
  enteredAt: r.entered_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  note: r.note,
  outcome: r.outcome,
});

/** Settlement batches of bank results, pending until a second holder confirms them. */
@Injectable()
export class SettlementRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(
    m: EntityManager,
    b: { id: string; results: BankResult[]; enteredBy: string; enteredRole: string; at: Date },
  ): Promise<void> {
    await m.query(
      `INSERT INTO subsidy.settlement_batches (id, status, results, result_count, entered_by, entered_role, entered_at)
       VALUES ($1, 'PENDING', $2::jsonb, $3, $4, $5, $6)`,
      [b.id, JSON.stringify(b.results), b.results.length, b.enteredBy, b.enteredRole, b.at],
    );
  }

  /** A batch; with `lock`, held for the transaction so two checkers cannot both decide. */
  async find(id: string, m?: EntityManager, lock = false): Promise<SettlementBatch | undefined> {
    const [r]: SettlementRow[] = await (m ?? this.dataSource.manager).query(
      `SELECT id, status, results, entered_by, entered_role, entered_at, decided_by, decided_at, note, outcome
         FROM subsidy.settlement_batches WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return r ? toBatch(r) : undefined;
  }

  async decide(
    m: EntityManager,
    id: string,
    d: {
      status: 'CONFIRMED' | 'REJECTED';
      by: string;
      at: Date;
      note: string | null;
      outcome: SettlementOutcome | null;
    },
  ): Promise<void> {
    await m.query(
      `UPDATE subsidy.settlement_batches SET status = $2, decided_by = $3, decided_at = $4, note = $5, outcome = $6::jsonb
        WHERE id = $1 AND status = 'PENDING'`,
      [id, d.status, d.by, d.at, d.note, d.outcome === null ? null : JSON.stringify(d.outcome)],
    );
  }

  /** Batches waiting for a checker, oldest first. */
  async pending(limit = 100): Promise<SettlementBatch[]> {
    const rows: SettlementRow[] = await this.dataSource.query(
      `SELECT id, status, results, entered_by, entered_role, entered_at, decided_by, decided_at, note, outcome
         FROM subsidy.settlement_batches WHERE status = 'PENDING' ORDER BY entered_at LIMIT $1`,
      [limit],
    );
    return rows.map(toBatch);
  }
}
