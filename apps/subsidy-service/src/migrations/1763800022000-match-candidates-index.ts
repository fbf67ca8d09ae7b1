import { MigrationInterface, QueryRunner } from 'typeorm';

/** The match pages through people who paid in full, in key order. */
export class MatchCandidatesIndex1763800022000 implements MigrationInterface {
  name = 'MatchCandidatesIndex1763800022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX enrolments_paid_in_full ON subsidy.enrolments (id_number, season) WHERE paid_in_full_on IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX subsidy.enrolments_paid_in_full`);
  }
}
