import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger read by enrolment: every recomputation of a standing reads the payments attached to
 * the enrolments it touches (`enrollment_id = ANY(...)`). Without this index each batch read the
 * whole ledger (100,000 rows per batch of a few hundred at 100,000 payments), so a season's feeds
 * cost more per row the more had been paid.
 */
export class PaymentsByEnrolment1764900001000 implements MigrationInterface {
  name = 'PaymentsByEnrolment1764900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS payments_enrolment ON enrollment.payments (enrollment_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS enrollment.payments_enrolment`);
  }
}
