import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropFileJobColumnsSql, fileJobColumnsSql } from '@urrbmi/files';

/**
 * Roster uploads run by the shared file job: staged chunk by chunk from the stored file with a
 * checkpoint (`processed_lines`), `PROCESSING` until staged and `FAILED` with a reason (a refusal at
 * the end of staging keeps its code and details), plus the job's attempts, set-aside and raw file
 * retention columns. Uploads staged before this migration were staged in one transaction: they are
 * finished when they were uploaded; their raw file is adopted by the service at start-up, since only
 * it knows `ROSTER_STORAGE_DIR`.
 */
export class RosterFileJob1764400010000 implements MigrationInterface {
  name = 'RosterFileJob1764400010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE subsidy.roster_uploads
        ADD COLUMN storage_path    text,
        ADD COLUMN content_type    text,
        ADD COLUMN size_bytes      bigint,
        ADD COLUMN snapshot_region char(6),
        ADD COLUMN processed_lines integer NOT NULL DEFAULT 0,
        ADD COLUMN error           text,
        ADD COLUMN error_code      text,
        ADD COLUMN error_details   jsonb,
        ADD COLUMN finished_at     timestamptz`);
    await q.query(`UPDATE subsidy.roster_uploads SET finished_at = uploaded_at`);
    await q.query(`ALTER TABLE subsidy.roster_uploads DROP CONSTRAINT roster_uploads_status_check`);
    await q.query(`
      ALTER TABLE subsidy.roster_uploads ADD CONSTRAINT roster_uploads_status_check
        CHECK (status IN ('PROCESSING', 'STAGED', 'APPROVED', 'REJECTED', 'FAILED'))`);
    for (const sql of fileJobColumnsSql('subsidy.roster_uploads')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropFileJobColumnsSql('subsidy.roster_uploads')) await q.query(sql);
    await q.query(`DELETE FROM subsidy.roster_rejects WHERE upload_id IN
                     (SELECT id FROM subsidy.roster_uploads WHERE status IN ('PROCESSING', 'FAILED'))`);
    await q.query(`DELETE FROM subsidy.roster_rows WHERE upload_id IN
                     (SELECT id FROM subsidy.roster_uploads WHERE status IN ('PROCESSING', 'FAILED'))`);
    await q.query(`DELETE FROM subsidy.roster_uploads WHERE status IN ('PROCESSING', 'FAILED')`);
    await q.query(`ALTER TABLE subsidy.roster_uploads DROP CONSTRAINT roster_uploads_status_check`);
    await q.query(`
      ALTER TABLE subsidy.roster_uploads ADD CONSTRAINT roster_uploads_status_check
        CHECK (status IN ('STAGED', 'APPROVED', 'REJECTED'))`);
    await q.query(`
      ALTER TABLE subsidy.roster_uploads
        DROP COLUMN storage_path, DROP COLUMN content_type, DROP COLUMN size_bytes, DROP COLUMN snapshot_region,
        DROP COLUMN processed_lines, DROP COLUMN error, DROP COLUMN error_code, DROP COLUMN error_details,
        DROP COLUMN finished_at`);
  }
}
