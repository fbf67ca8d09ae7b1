import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ApprovalDecision,
  MAKER_CHECKER_COLUMNS,
  MakerCheckerRecord,
  makerCheckerRecord,
  MakerCheckerRow,
  recordDecision,
} from '@urrbmi/platform';
import { BankResult } from '../match/transfer.repository';

/** What confirming a settlement batch did to the transfers. */
export interface SettlementOutcome {
  settled: number;
  paid: number;
  failed: number;
  ignored: string[];
}

export interface SettlementBatch extends MakerCheckerRecord<SettlementOutcome> {
  id: string;
  results: BankResult[];
}

interface SettlementRow extends MakerCheckerRow {
  id: string;
  results: BankResult[];
}

const TABLE = 'subsidy.settlement_batches';
const COLUMNS = `id, results, ${MAKER_CHECKER_COLUMNS}`;

const toBatch = (r: SettlementRow): SettlementBatch => ({
  id: r.id,
  results: r.results,
  ...makerCheckerRecord<SettlementOutcome>(r),
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
      `SELECT ${COLUMNS} FROM subsidy.settlement_batches WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return r ? toBatch(r) : undefined;
  }

  /** Records the checker's decision (see `decide` in libs/platform) and, confirmed, what it did. */
  decide(m: EntityManager, id: string, d: ApprovalDecision, outcome: SettlementOutcome | null = null) {
    return recordDecision(m, TABLE, id, d, outcome);
  }

  /** Batches waiting for a checker, oldest first. */
  async pending(limit = 100): Promise<SettlementBatch[]> {
    const rows: SettlementRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM subsidy.settlement_batches WHERE status = 'PENDING' ORDER BY entered_at LIMIT $1`,
      [limit],
    );
    return rows.map(toBatch);
  }
}
