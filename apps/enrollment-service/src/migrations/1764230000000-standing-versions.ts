import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order-independent standing: every change of an enrolment's standing gets a version (published as
 * `enrollment.standing`), the date it was paid in full is kept, and every assessment received is kept
 * per person and season so the one in force follows the time of the facts, not their arrival.
 */
export class StandingVersions1764230000000 implements MigrationInterface {
  name = 'StandingVersions1764230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enrollment.enrollments
        ADD COLUMN standing_version integer NOT NULL DEFAULT 0,
        ADD COLUMN paid_in_full_on  date`);
    await q.query(`
      CREATE TABLE enrollment.assessments (
        id_number      char(18)    NOT NULL,
        season         integer     NOT NULL,
        assessed_at    timestamptz NOT NULL,
        policy_id      text        NOT NULL,
        category       text,
        subsidy_fen    integer     NOT NULL,
        mode           text,
        amount_due_fen integer     NOT NULL,
        reason         text        NOT NULL,
        event_id       uuid,
        received_at    timestamptz NOT NULL DEFAULT now(),
        -- the subsidy service makes at most one assessment per person, season and instant
        PRIMARY KEY (id_number, season, assessed_at)
      )`);
    // Assessments applied before this migration: kept as the earliest fact, as they were in force.
    await q.query(`
      INSERT INTO enrollment.assessments (id_number, season, assessed_at, policy_id, category, subsidy_fen, mode, amount_due_fen, reason)
      SELECT DISTINCT ON (id_number, season) id_number, season, timestamptz '2000-01-01T00:00:00Z', policy_id, subsidy_category,
             subsidy_fen, subsidy_mode, amount_due_fen, subsidy_reason
        FROM enrollment.enrollments WHERE subsidy_reason IS NOT NULL AND policy_id IS NOT NULL
       ORDER BY id_number, season, (status NOT IN ('CANCELLED', 'REFUNDED')) DESC, registered_at DESC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment.assessments`);
    await q.query(
      `ALTER TABLE enrollment.enrollments DROP COLUMN standing_version, DROP COLUMN paid_in_full_on`,
    );
  }
}
