import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A roster snapshot covers one source in the regions it names (never another region's people), and
 * every assessment keeps the code of its reason.
 */
export class SnapshotRegionsReasonCodes1763800027000 implements MigrationInterface {
  name = 'SnapshotRegionsReasonCodes1763800027000';

  async up(q: QueryRunner): Promise<void> {
    // Uploads staged before this change were snapshots of their whole source: the regions they held.
    await q.query(`ALTER TABLE subsidy.roster_uploads ADD COLUMN region_codes text[] NOT NULL DEFAULT '{}'`);
    await q.query(`
      UPDATE subsidy.roster_uploads u SET region_codes = coalesce(
        (SELECT array_agg(DISTINCT r.certified_region_code ORDER BY r.certified_region_code) FROM subsidy.roster_rows r WHERE r.upload_id = u.id), '{}')`);
    await q.query(`ALTER TABLE subsidy.roster_uploads ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]'`);
    await q.query(
      `CREATE INDEX roster_uploads_newest ON subsidy.roster_uploads (source, as_of) WHERE status = 'APPROVED'`,
    );
    await q.query(`ALTER TABLE subsidy.assessments ADD COLUMN reason_code text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subsidy.assessments DROP COLUMN reason_code`);
    await q.query(`DROP INDEX subsidy.roster_uploads_newest`);
    await q.query(`ALTER TABLE subsidy.roster_uploads DROP COLUMN warnings`);
    await q.query(`ALTER TABLE subsidy.roster_uploads DROP COLUMN region_codes`);
  }
}
