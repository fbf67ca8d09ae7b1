import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The roster follows the order of the facts, not of their arrival: which enrolment a row shows
 * (registration instant), how far its standing has got (standing version), and which assessment is
 * the latest (assessment instant).
 */
export class RosterFactOrder1764230010000 implements MigrationInterface {
  name = 'RosterFactOrder1764230010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tax_feed.roster
        ADD COLUMN registered_at    timestamptz,
        ADD COLUMN standing_version integer NOT NULL DEFAULT 0,
        ADD COLUMN assessed_at      timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tax_feed.roster DROP COLUMN registered_at, DROP COLUMN standing_version, DROP COLUMN assessed_at`,
    );
  }
}
