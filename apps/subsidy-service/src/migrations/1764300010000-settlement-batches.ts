import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maker-checker for the bank's settlement results: a batch is entered by one holder and applied to
 * the transfers only when another holder of the same role confirms it.
 */
export class SettlementBatches1764300010000 implements MigrationInterface {
  name = 'SettlementBatches1764300010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subsidy.settlement_batches (
        id           uuid PRIMARY KEY,
        status       text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED')),
        results      jsonb       NOT NULL,
        result_count integer     NOT NULL,
        entered_by   text        NOT NULL,
        entered_role text        NOT NULL,
        entered_at   timestamptz NOT NULL,
        decided_by   text,
        decided_at   timestamptz,
        note         text,
        outcome      jsonb
      )`);
    await q.query(
      `CREATE INDEX settlement_batches_pending ON subsidy.settlement_batches (entered_at) WHERE status = 'PENDING'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subsidy.settlement_batches`);
  }
}
