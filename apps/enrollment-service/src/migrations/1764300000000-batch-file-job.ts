import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropFileJobColumnsSql, fileJobColumnsSql } from '@urrbmi/files';

/** Batches run by the shared file job: attempts without progress, set-aside files, raw file retention. */
export class BatchFileJob1764300000000 implements MigrationInterface {
  name = 'BatchFileJob1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of fileJobColumnsSql('enrollment.batches')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropFileJobColumnsSql('enrollment.batches')) await q.query(sql);
  }
}
