import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrolments as enrollment-service's `enrollment.standing` says they stand (one source of truth for
 * "paid in full"), ordered by the facts: registration instant between enrolments of one person and
 * season, standing version within one enrolment.
 */
export class EnrolmentStanding1764230020000 implements MigrationInterface {
  name = 'EnrolmentStanding1764230020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE subsidy.enrolments
        ADD COLUMN registered_at       timestamptz,
        ADD COLUMN standing_version    integer NOT NULL DEFAULT 0,
        ADD COLUMN subsidy_enjoyed_fen integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE subsidy.enrolments DROP COLUMN registered_at, DROP COLUMN standing_version, DROP COLUMN subsidy_enjoyed_fen`,
    );
  }
}
