import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';
import { messagingTablesMigration } from './messaging-tables.migration';
import { messagingLeanIndexesMigration } from './messaging-lean-indexes.migration';

/**
 * What lets the messaging tables stay small and the outbox keep moving: an index to delete inbox
 * rows past their retention, and the columns that set aside an outbox row the broker will never
 * take (too large, rejected as invalid) so the rows behind it are published.
 */
export function messagingRetentionMigration(schema: string): new () => MigrationInterface {
  const s = assertIdentifier(schema);
  return class MessagingRetention1764200000000 implements MigrationInterface {
    name = 'MessagingRetention1764200000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE INDEX inbox_handled_at ON "${s}".inbox (handled_at)`);
      await q.query(`
        ALTER TABLE "${s}".outbox
          ADD COLUMN set_aside_at     timestamptz,
          ADD COLUMN set_aside_reason text`);
      await q.query(`DROP INDEX "${s}".outbox_pending`);
      await q.query(
        `CREATE INDEX outbox_pending ON "${s}".outbox (id) WHERE published_at IS NULL AND set_aside_at IS NULL`,
      );
      await q.query(
        `CREATE INDEX outbox_set_aside ON "${s}".outbox (set_aside_at) WHERE set_aside_at IS NOT NULL`,
      );
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP INDEX "${s}".outbox_set_aside`);
      await q.query(`DROP INDEX "${s}".outbox_pending`);
      await q.query(`CREATE INDEX outbox_pending ON "${s}".outbox (id) WHERE published_at IS NULL`);
      await q.query(`ALTER TABLE "${s}".outbox DROP COLUMN set_aside_reason, DROP COLUMN set_aside_at`);
      await q.query(`DROP INDEX "${s}".inbox_handled_at`);
    }
  };
}

/** Every messaging migration of a service schema, in order: list these before the service's own. */
export function messagingMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    messagingTablesMigration(schema),
    messagingRetentionMigration(schema),
    messagingLeanIndexesMigration(schema),
  ];
}
