import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which transaction made a roster row's latest change. `change_seq` is drawn while that transaction
 * runs, so several writers (partitions, replicas) commit out of sequence order; a pull serves only
 * changes of transactions that can no longer commit behind it, ordered by (change_xid, change_seq).
 * Rows written before this migration keep change_xid 0: an old cursor N reads as (0, N) and still
 * means what it did. Adding a column with a constant default does not rewrite the table.
 */
export class RosterChangeXid1764800010000 implements MigrationInterface {
  name = 'RosterChangeXid1764800010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tax_feed.roster ADD COLUMN change_xid xid8 NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE tax_feed.roster ALTER COLUMN change_xid SET DEFAULT pg_current_xact_id()`);
    await q.query(
      `CREATE INDEX roster_changes_by_xact ON tax_feed.roster (region_code, season, change_xid, change_seq)`,
    );
    await q.query(`DROP INDEX tax_feed.roster_changes`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX roster_changes ON tax_feed.roster (region_code, season, change_seq)`);
    await q.query(`DROP INDEX tax_feed.roster_changes_by_xact`);
    await q.query(`ALTER TABLE tax_feed.roster DROP COLUMN change_xid`);
  }
}
