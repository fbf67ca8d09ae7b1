import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';

/**
 * The outbox (events this service has committed to publish) and the inbox (ids of events this
 * service has applied, per consumer group) in the service's own schema. Every service lists this
 * migration first.
 */
export function messagingTablesMigration(schema: string): new () => MigrationInterface {
  const s = assertIdentifier(schema);
  return class MessagingTables1763800000000 implements MigrationInterface {
    name = 'MessagingTables1763800000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`
        CREATE TABLE "${s}".outbox (
          id           bigserial PRIMARY KEY,
          event_id     uuid        NOT NULL UNIQUE,
          topic        text        NOT NULL,
          event_key    text        NOT NULL,
          event_type   text        NOT NULL,
          envelope     jsonb       NOT NULL,
          created_at   timestamptz NOT NULL DEFAULT now(),
          published_at timestamptz
        )`);
      await q.query(`CREATE INDEX outbox_pending ON "${s}".outbox (id) WHERE published_at IS NULL`);
      await q.query(
        `CREATE INDEX outbox_published_at ON "${s}".outbox (published_at) WHERE published_at IS NOT NULL`,
      );
      await q.query(`
        CREATE TABLE "${s}".inbox (
          consumer_group text        NOT NULL,
          event_id       uuid        NOT NULL,
          topic          text        NOT NULL,
          kafka_partition integer    NOT NULL,
          kafka_offset   bigint      NOT NULL,
          handled_at     timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer_group, event_id)
        )`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${s}".inbox`);
      await q.query(`DROP TABLE "${s}".outbox`);
    }
  };
}
