import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Death lists held for a checker: processing a DEATHS batch checks its rows and holds one entry per
 * enrolment it would cancel; nothing is cancelled until another holder of the submitter's role
 * confirms the list (an approval of kind DEATH_LIST, whose id is the batch's).
 */
export class DeathLists1764600020000 implements MigrationInterface {
  name = 'DeathLists1764600020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment.approvals DROP CONSTRAINT approvals_kind_check`);
    await q.query(
      `ALTER TABLE enrollment.approvals ADD CONSTRAINT approvals_kind_check
         CHECK (kind IN ('CANCEL_PAID_ENROLMENT', 'EMPLOYEE_INSURED_LIST', 'DEATH_LIST'))`,
    );
    // No ID numbers here: the enrolment holds them.
    await q.query(`
      CREATE TABLE enrollment.death_list_entries (
        batch_id      uuid    NOT NULL REFERENCES enrollment.batches (id),
        line_no       integer NOT NULL,
        enrollment_id uuid    NOT NULL REFERENCES enrollment.enrollments (id),
        date_of_death date    NOT NULL,
        PRIMARY KEY (batch_id, line_no),
        -- a person listed twice is held once: the later line is rejected
        CONSTRAINT death_list_entries_once UNIQUE (batch_id, enrollment_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment.death_list_entries`);
    await q.query(`DELETE FROM enrollment.approvals WHERE kind = 'DEATH_LIST'`);
    await q.query(`ALTER TABLE enrollment.approvals DROP CONSTRAINT approvals_kind_check`);
    await q.query(
      `ALTER TABLE enrollment.approvals ADD CONSTRAINT approvals_kind_check
         CHECK (kind IN ('CANCEL_PAID_ENROLMENT', 'EMPLOYEE_INSURED_LIST'))`,
    );
  }
}
