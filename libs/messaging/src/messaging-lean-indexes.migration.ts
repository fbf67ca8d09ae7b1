import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';

/**
 * Fewer index entries per event once the relay deletes what it sent. The outbox keeps its primary
 * key only: `outbox_pending` held the same ids as the key (sent rows are gone), and the unique index
 * on `event_id` checked ids that are drawn at random and never looked up — a write at a random place
 * of a growing index for every event. The inbox's `handled_at` index, read only by the hourly
 * retention delete, becomes a BRIN index: rows arrive in `handled_at` order, so a block range's
 * minimum and maximum find the old rows, and an insert no longer adds a B-tree entry.
 *
 * Rows an earlier relay marked sent are deleted here: without `outbox_pending` the relay would step
 * over each of them on every poll until their 7-day retention ran out. A relay of the previous
 * version still running during a rolling deploy keeps working (it marks instead of deleting; the
 * relay skips marked rows and the retention deletes them).
 */
export function messagingLeanIndexesMigration(schema: string): new () => MigrationInterface {
  const s = assertIdentifier(schema);
  return class MessagingLeanIndexes1765000000000 implements MigrationInterface {
    name = 'MessagingLeanIndexes1765000000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`DELETE FROM "${s}".outbox WHERE published_at IS NOT NULL`);
      await q.query(`DROP INDEX "${s}".outbox_pending`);
      await q.query(`ALTER TABLE "${s}".outbox DROP CONSTRAINT outbox_event_id_key`);
      await q.query(`DROP INDEX "${s}".inbox_handled_at`);
      await q.query(`CREATE INDEX inbox_handled_at ON "${s}".inbox USING brin (handled_at)`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP INDEX "${s}".inbox_handled_at`);
      await q.query(`CREATE INDEX inbox_handled_at ON "${s}".inbox (handled_at)`);
      await q.query(`ALTER TABLE "${s}".outbox ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id)`);
      await q.query(
        `CREATE INDEX outbox_pending ON "${s}".outbox (id) WHERE published_at IS NULL AND set_aside_at IS NULL`,
      );
    }
  };
}
