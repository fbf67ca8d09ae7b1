import { MigrationInterface, QueryRunner } from 'typeorm';

/** Refunds paid out enter the enrolment's ledger as negative entries; REFUNDED ends an enrolment. */
export class RefundLedger1763800004000 implements MigrationInterface {
  name = 'RefundLedger1763800004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment.payments DROP CONSTRAINT payments_kind_check`);
    await q.query(
      `ALTER TABLE enrollment.payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('PAYMENT', 'REVERSAL', 'REFUND'))`,
    );
    // A refunded enrolment is over, like a cancelled one: it no longer blocks a new registration.
    await q.query(`DROP INDEX enrollment.enrollments_live_person_season`);
    await q.query(
      `CREATE UNIQUE INDEX enrollments_live_person_season ON enrollment.enrollments (id_number, season) WHERE status NOT IN ('CANCELLED', 'REFUNDED')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX enrollment.enrollments_live_person_season`);
    await q.query(
      `CREATE UNIQUE INDEX enrollments_live_person_season ON enrollment.enrollments (id_number, season) WHERE status <> 'CANCELLED'`,
    );
    await q.query(`ALTER TABLE enrollment.payments DROP CONSTRAINT payments_kind_check`);
    await q.query(
      `ALTER TABLE enrollment.payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('PAYMENT', 'REVERSAL'))`,
    );
  }
}
