import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rebuilds begun and whether each finished: a rebuild interrupted (a crash, a timeout, Ctrl-C)
 * is resumed by the next one with its own replay group and targets instead of starting over.
 */
export class RebuildRuns1763800007000 implements MigrationInterface {
  name = 'RebuildRuns1763800007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reporting.rebuild_run (
        group_id    text PRIMARY KEY,
        replay_to   jsonb NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.rebuild_run`);
  }
}
