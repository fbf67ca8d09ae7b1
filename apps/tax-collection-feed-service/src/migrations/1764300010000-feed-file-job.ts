import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropFileJobColumnsSql, fileJobColumnsSql } from '@urrbmi/files';

/** Feeds run by the shared file job: attempts without progress, set-aside files, raw file retention. */
export class FeedFileJob1764300010000 implements MigrationInterface {
  name = 'FeedFileJob1764300010000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of fileJobColumnsSql('tax_feed.feeds')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropFileJobColumnsSql('tax_feed.feeds')) await q.query(sql);
  }
}
