import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';

/**
 * Fewer index entries per event once the relay deletes what it sent. `outbox_pending` held the same
 * ids as the primary key (sent rows are gone), and the unique index on `event_id` checked ids that
 * are drawn at random and never looked up — a write at a random place of a growing index for every
 * event. Both are dropped (a catalog change: the exclusive lock is brief, and bounded here so a
 * busy outbox makes the migration fail and retry rather than stall every publisher). The outbox
 * keeps its primary key and the two partial indexes that hold only rows set aside and rows an
 * earlier relay marked sent (the relay deletes those as it starts).
 */
export function messagingLeanIndexesMigration(schema: string): new () => MigrationInterface {
  const s = assertIdentifier(schema);
  return class MessagingLeanIndexes1765000000000 implements MigrationInterface {
    name = 'MessagingLeanIndexes1765000000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`SET LOCAL lock_timeout = '30s'`);
      await q.query(`DROP INDEX "${s}".outbox_pending`);
      await q.query(`ALTER TABLE "${s}".outbox DROP CONSTRAINT outbox_event_id_key`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE "${s}".outbox ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id)`);
      await q.query(
        `CREATE INDEX outbox_pending ON "${s}".outbox (id) WHERE published_at IS NULL AND set_aside_at IS NULL`,
      );
    }
  };
}
