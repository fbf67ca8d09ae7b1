import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maker-checker where money or status moves: the cancellation of a paid enrolment and the
 * employee-insured list are entered by one key holder and wait here, PENDING, until another holder of
 * the same role confirms (or rejects) them. Nothing is applied before.
 */
export class Approvals1764300020000 implements MigrationInterface {
  name = 'Approvals1764300020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrollment.approvals (
        id            uuid PRIMARY KEY,
        kind          text        NOT NULL CHECK (kind IN ('CANCEL_PAID_ENROLMENT', 'EMPLOYEE_INSURED_LIST')),
        status        text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED')),
        enrollment_id uuid,
        township_code text,
        payload       jsonb       NOT NULL,
        entered_by    text        NOT NULL,
        entered_role  text        NOT NULL,
        entered_at    timestamptz NOT NULL,
        decided_by    text,
        decided_at    timestamptz,
        note          text,
        outcome       jsonb
      )`);
    // One cancellation waiting per enrolment.
    await q.query(`
      CREATE UNIQUE INDEX approvals_one_pending_cancellation ON enrollment.approvals (enrollment_id)
        WHERE status = 'PENDING' AND kind = 'CANCEL_PAID_ENROLMENT'`);
    await q.query(
      `CREATE INDEX approvals_pending ON enrollment.approvals (kind, entered_at) WHERE status = 'PENDING'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment.approvals`);
  }
}
