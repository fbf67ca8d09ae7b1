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
    // Every change records its transaction here, not in each statement: a replica still running the
    // code before this migration (a rolling deploy) or a hand-written fix bumps change_seq only,
    // and a row left with an older change_xid would sort before cursors already handed out.
    await q.query(`
      CREATE FUNCTION tax_feed.roster_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.change_xid := pg_current_xact_id();
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER roster_change_xid BEFORE INSERT OR UPDATE OF change_seq ON tax_feed.roster
        FOR EACH ROW EXECUTE FUNCTION tax_feed.roster_change_xid()`);
    await q.query(
      `CREATE INDEX roster_changes_by_xact ON tax_feed.roster (region_code, season, change_xid, change_seq)`,
    );
    await q.query(`DROP INDEX tax_feed.roster_changes`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER roster_change_xid ON tax_feed.roster`);
    await q.query(`DROP FUNCTION tax_feed.roster_change_xid()`);
    await q.query(`CREATE INDEX roster_changes ON tax_feed.roster (region_code, season, change_seq)`);
    await q.query(`DROP INDEX tax_feed.roster_changes_by_xact`);
    await q.query(`ALTER TABLE tax_feed.roster DROP COLUMN change_xid`);
  }
}
