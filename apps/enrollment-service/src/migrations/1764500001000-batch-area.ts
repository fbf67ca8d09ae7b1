import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batches belong to the area of whoever sent them: `area` is the township of a township key, empty
 * for a county-wide key. Content is deduplicated per area, so a township sending bytes identical
 * to another township's file gets a batch of its own and never learns of the other's.
 */
export class BatchArea1764500001000 implements MigrationInterface {
  name = 'BatchArea1764500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment.batches ADD COLUMN area text NOT NULL DEFAULT ''`);
    await q.query(
      `UPDATE enrollment.batches SET area = substring(split_part(submitted_by, '|', 2) FROM '^township:([0-9]{9})$')
        WHERE split_part(submitted_by, '|', 2) ~ '^township:[0-9]{9}$'`,
    );
    await q.query(
      `ALTER TABLE enrollment.batches DROP CONSTRAINT batches_content,
         ADD CONSTRAINT batches_content UNIQUE (batch_type, sha256, area)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE enrollment.batches DROP CONSTRAINT batches_content,
         ADD CONSTRAINT batches_content UNIQUE (batch_type, sha256)`,
    );
    await q.query(`ALTER TABLE enrollment.batches DROP COLUMN area`);
  }
}
