import { MigrationInterface, QueryRunner } from 'typeorm';

/** Which months were matched (so the scheduler runs each once), and settlement results of transfers. */
export class MatchRunsSettlement1763800021000 implements MigrationInterface {
  name = 'MatchRunsSettlement1763800021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subsidy.match_runs (
        month             char(7) PRIMARY KEY,
        trigger           text        NOT NULL,
        first_run_at      timestamptz NOT NULL DEFAULT now(),
        last_run_at       timestamptz NOT NULL DEFAULT now(),
        runs              integer     NOT NULL DEFAULT 1,
        transfers_created integer     NOT NULL DEFAULT 0
      )`);
    await q.query(`ALTER TABLE subsidy.transfers ADD COLUMN settled_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subsidy.transfers DROP COLUMN settled_by`);
    await q.query(`DROP TABLE subsidy.match_runs`);
  }
}
