import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger stops checking a payment's enrolment by foreign key. The check locked the enrolment row
 * (`FOR KEY SHARE`) for every payment attached: one lock record in the WAL per payment (20,000 of
 * the 80,000 on `enrollment.enrollments` in a feed of 20,000 renewals). The insert takes the id from
 * the live enrolment it joins in the same statement (`insertPayments`), a later attachment
 * (`attachPayments`) likewise, and enrolments are never deleted. The history keeps its key: its
 * rows are written by the transaction that has just changed the enrolment, and that check locks
 * nothing more.
 */
export class LedgerUnlocked1765000001000 implements MigrationInterface {
  name = 'LedgerUnlocked1765000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment.payments DROP CONSTRAINT IF EXISTS payments_enrollment_id_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE enrollment.payments ADD CONSTRAINT payments_enrollment_id_fkey
         FOREIGN KEY (enrollment_id) REFERENCES enrollment.enrollments(id)`,
    );
  }
}
