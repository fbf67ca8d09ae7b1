import { MigrationInterface, QueryRunner } from 'typeorm';

/** The roster the tax bureau collects against, with a change sequence for incremental pulls. */
export class CollectionRoster1763800011000 implements MigrationInterface {
  name = 'CollectionRoster1763800011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE tax_feed.roster_change_seq`);
    await q.query(`
      CREATE TABLE tax_feed.roster (
        id_number            char(18)    NOT NULL,
        season               integer     NOT NULL,
        region_code          char(6)     NOT NULL,
        township_code        text,
        village_code         text,
        name                 text        NOT NULL,
        enrollment_id        uuid,
        status               text        NOT NULL,
        registered_due_fen   integer     NOT NULL,
        assessed_due_fen     integer,
        subsidy_category     text,
        change_seq           bigint      NOT NULL DEFAULT nextval('tax_feed.roster_change_seq'),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id_number, season)
      )`);
    await q.query(`CREATE INDEX roster_changes ON tax_feed.roster (region_code, season, change_seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tax_feed.roster`);
    await q.query(`DROP SEQUENCE tax_feed.roster_change_seq`);
  }
}
