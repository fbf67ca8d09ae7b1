import { randomUUID } from 'node:crypto';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { KafkaSettings } from '../../src/kafka-settings';
import { messagingMigrations } from '../../src/messaging-retention.migration';

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
  return url;
}

export function uniqueName(tag: string): string {
  return `${tag}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

export function testKafkaSettings(
  tag: string,
  brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
): KafkaSettings {
  return {
    brokers: brokers.split(','),
    clientId: `test-${tag}`,
    topicPrefix: `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}${tag}.`,
    partitions: 3,
    replicationFactor: 1,
  };
}

function effectsMigration(schema: string): new () => MigrationInterface {
  return class Effects1763800000001 implements MigrationInterface {
    name = 'Effects1763800000001';
    async up(q: QueryRunner): Promise<void> {
      // No unique constraint on purpose: an event applied twice shows up as a second row.
      await q.query(
        `CREATE TABLE "${schema}".effects (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, event_key text NOT NULL, n integer NOT NULL)`,
      );
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}".effects`);
    }
  };
}

/** A schema with the messaging tables and an `effects` table, as a service would have. */
export async function prepareSchema(schema: string): Promise<DataSource> {
  const ds = createServiceDataSource({
    url: databaseUrl(),
    schema,
    migrations: [...messagingMigrations(schema), effectsMigration(schema)],
    poolSize: 5,
  });
  await ds.initialize();
  await migrateServiceSchema(ds);
  return ds;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
