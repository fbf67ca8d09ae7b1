import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { isTransientFailure } from '@urrbmi/persistence';
import { ConsumedEvent, IdempotentBatchConsumer } from '../src/idempotent-batch-consumer';
import { deleteExpiredInboxRows, InboxRetention } from '../src/inbox-retention';
import { createKafka, physicalTopic } from '../src/kafka-settings';
import { MessagingMetrics } from '../src/messaging-metrics';
import { OutboxRelay } from '../src/outbox-relay';
import { ensureTopics } from '../src/topic-provisioner';
import { testCatalog } from './support/counted-event';
import { effectCounts, recordEffects } from './support/effects';
import { countedEnvelopes, sendRaw } from './support/publish';
import { databaseUrl, prepareSchema, testKafkaSettings, uniqueName, waitFor } from './support/test-env';

/** The SQLSTATE a real statement fails with, or 'ok'. */
async function sqlStateOf(work: () => Promise<unknown>): Promise<{ code: string; transient: boolean }> {
  try {
    await work();
    return { code: 'ok', transient: false };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'none', transient: isTransientFailure(e) };
  }
}

const metricValue = async (registry: Registry, name: string): Promise<number> =>
  ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((s, v) => s + v.value, 0);

describe('transient failures, inbox retention, topic retention and set-aside outbox rows', () => {
  const schema = uniqueName('robust');
  let ds: DataSource;
  let holder: Client;
  const consumers: IdempotentBatchConsumer[] = [];

  beforeAll(async () => {
    ds = await prepareSchema(schema);
    await ds.query(`CREATE TABLE "${schema}".counter (id int PRIMARY KEY, n int NOT NULL)`);
    await ds.query(`INSERT INTO "${schema}".counter VALUES (1, 0), (2, 0)`);
    holder = new Client({ connectionString: databaseUrl() });
    await holder.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await holder?.end();
    await ds?.destroy();
  });

  it('classifies what real Postgres answers: lock timeout, statement timeout and deadlock retried; a bad value not', async () => {
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM "${schema}".counter WHERE id = 1 FOR UPDATE`);
    const lockTimeout = await sqlStateOf(() =>
      ds.transaction(async (m) => {
        await m.query(`SET LOCAL lock_timeout = '50ms'`);
        await m.query(`UPDATE "${schema}".counter SET n = n + 1 WHERE id = 1`);
      }),
    );
    await holder.query('ROLLBACK');
    expect(lockTimeout).toEqual({ code: '55P03', transient: true });

    const statementTimeout = await sqlStateOf(() =>
      ds.transaction(async (m) => {
        await m.query(`SET LOCAL statement_timeout = '50ms'`);
        await m.query('SELECT pg_sleep(1)');
      }),
    );
    expect(statementTimeout).toEqual({ code: '57014', transient: true });

    // A deadlock: two transactions take the two rows in opposite order.
    await holder.query('BEGIN');
    await holder.query(`UPDATE "${schema}".counter SET n = n + 1 WHERE id = 1`);
    const other = ds.transaction(async (m) => {
      await m.query(`UPDATE "${schema}".counter SET n = n + 1 WHERE id = 2`);
      await m.query(`UPDATE "${schema}".counter SET n = n + 1 WHERE id = 1`);
    });
    await new Promise((r) => setTimeout(r, 200));
    const mine = await sqlStateOf(() =>
      holder.query(`UPDATE "${schema}".counter SET n = n + 1 WHERE id = 2`),
    );
    await holder.query('ROLLBACK');
    const theirs = await sqlStateOf(() => other);
    // Postgres picks one victim; whichever it was, its error is a deadlock and transient.
    expect([mine, theirs]).toContainEqual({ code: '40P01', transient: true });

    expect(await sqlStateOf(() => ds.query('SELECT 2147483647::int + 1'))).toEqual({
      code: '22003',
      transient: false,
    });
  });

  it('retries a batch that hits a lock timeout until the lock is gone, and dead-letters nothing', async () => {
    const settings = testKafkaSettings(uniqueName('locktimeout'));
    const kafka: Kafka = createKafka(settings);
    await ensureTopics(kafka, settings, ['test.counted']);
    await sendRaw(
      kafka,
      settings,
      countedEnvelopes(Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, n: i }))),
    );
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry);
    const record = recordEffects(schema);
    let lockTimeouts = 0;
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM "${schema}".counter WHERE id = 1 FOR UPDATE`);
    const consumer = new IdempotentBatchConsumer({
      kafka,
      settings,
      dataSource: ds,
      schema,
      groupId: `${schema}-locktimeout`,
      catalog: testCatalog(),
      handlers: new Map([
        [
          'test.counted',
          async (events: ConsumedEvent[], m: EntityManager) => {
            await record(events, m);
            await m.query(`SET LOCAL lock_timeout = '100ms'`);
            try {
              await m.query(`UPDATE "${schema}".counter SET n = n + $1 WHERE id = 1`, [events.length]);
            } catch (e) {
              lockTimeouts++;
              throw e;
            }
          },
        ],
      ]),
      metrics,
      // One attempt before a permanent failure would be dead-lettered: a transient one never is.
      maxAttempts: 1,
      retryBaseMs: 50,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
    });
    consumers.push(consumer);
    await consumer.start();
    await waitFor(
      'several lock timeouts',
      async () => lockTimeouts,
      (n) => n >= 3,
      60_000,
    );
    expect((await effectCounts(ds, schema)).rows).toBe(0);
    await holder.query('ROLLBACK');

    await waitFor(
      'all 30 applied',
      () => effectCounts(ds, schema),
      (c) => c.rows >= 30,
      60_000,
    );
    expect(await effectCounts(ds, schema)).toEqual({ rows: 30, distinct: 30 });
    const [{ n }] = await ds.query(`SELECT n FROM "${schema}".counter WHERE id = 1`);
    expect(n).toBe(30);
    expect(await metricValue(registry, 'messaging_events_dead_lettered_total')).toBe(0);
    expect(await metricValue(registry, 'messaging_batch_transient_retries_total')).toBeGreaterThanOrEqual(3);
  });

  it('deletes inbox rows past the retention and keeps the recent ones', async () => {
    await ds.query(`DELETE FROM "${schema}".inbox`);
    await ds.query(
      `INSERT INTO "${schema}".inbox (consumer_group, event_id, topic, kafka_partition, kafka_offset, handled_at)
       SELECT 'g', gen_random_uuid(), 't', 0, i, now() - make_interval(days => CASE WHEN i % 4 = 0 THEN 20 ELSE 1 END)
         FROM generate_series(1, 25000) AS i`,
    );
    const expired = 25000 / 4;
    const registry = new Registry();
    const retention = new InboxRetention({
      dataSource: ds,
      schema,
      retentionDays: 14,
      metrics: new MessagingMetrics(registry),
    });
    await retention.runOnce();
    const [{ left, old }] = await ds.query(
      `SELECT count(*)::int AS left, count(*) FILTER (WHERE handled_at < now() - interval '14 days')::int AS old FROM "${schema}".inbox`,
    );
    expect({ left, old }).toEqual({ left: 25000 - expired, old: 0 });
    expect(await metricValue(registry, 'messaging_inbox_rows_deleted_total')).toBe(expired);
    // Nothing more to delete: a second pass deletes nothing.
    expect(await deleteExpiredInboxRows(ds, schema, new Date(Date.now() - 14 * 86_400_000))).toBe(0);
    await retention.stop();
  });

  it('creates event topics with the long retention and dead-letter topics with their own', async () => {
    const settings = {
      ...testKafkaSettings(uniqueName('retention')),
      retentionDays: 400,
      deadLetterRetentionDays: 30,
    };
    const kafka = createKafka(settings);
    await ensureTopics(kafka, settings, ['test.counted']);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = [physicalTopic(settings, 'test.counted'), physicalTopic(settings, 'test.counted.dlq')];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: 2, name, configNames: ['retention.ms'] })),
      });
      const retention = Object.fromEntries(
        resources.map((r) => [
          r.resourceName,
          r.configEntries.find((c) => c.configName === 'retention.ms')?.configValue,
        ]),
      );
      expect(retention).toEqual({
        [topics[0]]: String(400 * 86_400_000),
        [topics[1]]: String(30 * 86_400_000),
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('sets aside an outbox row the broker refuses, and one over the size limit, and publishes the rest in order', async () => {
    const settings = testKafkaSettings(uniqueName('setaside'));
    const kafka = createKafka(settings);
    const topic = physicalTopic(settings, 'test.counted');
    const admin = kafka.admin();
    await admin.connect();
    // The broker takes at most 4 KiB on this topic: a 6 KB event is refused as MESSAGE_TOO_LARGE.
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'max.message.bytes', value: '4096' }],
        },
      ],
    });
    await admin.disconnect();
    await ensureTopics(kafka, settings, ['test.counted']);
    await ds.query(`DELETE FROM "${schema}".outbox`);
    const envelope = (n: number, pad: number) =>
      JSON.stringify({
        eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        n,
        pad: 'x'.repeat(pad),
      });
    const rows = [
      { n: 1, pad: 10 },
      { n: 2, pad: 6000 }, // refused by the broker
      { n: 3, pad: 10 },
      { n: 4, pad: 20_000 }, // over the relay's own limit: never sent
      { n: 5, pad: 10 },
    ];
    for (const r of rows)
      await ds.query(
        `INSERT INTO "${schema}".outbox (event_id, topic, event_key, event_type, envelope) VALUES ($1, 'test.counted', 'k', 'test.counted@1', $2::jsonb)`,
        [`00000000-0000-4000-8000-${String(r.n).padStart(12, '0')}`, envelope(r.n, r.pad)],
      );
    // A row a relay of an earlier version marked sent: deleted, never sent again.
    await ds.query(
      `INSERT INTO "${schema}".outbox (event_id, topic, event_key, event_type, envelope, published_at)
       VALUES ('00000000-0000-4000-8000-000000000006', 'test.counted', 'k', 'test.counted@1', $1::jsonb, now())`,
      [envelope(6, 10)],
    );
    const registry = new Registry();
    const relay = new OutboxRelay({
      databaseUrl: databaseUrl(),
      schema,
      kafka,
      settings,
      metrics: new MessagingMetrics(registry),
      pollIntervalMs: 100,
      maxMessageBytes: 10_000,
    });
    relay.start();
    try {
      // Published rows are deleted; the two the broker will not take stay, with their reasons.
      const outcome = await waitFor(
        'every row published or set aside',
        () =>
          ds.query(
            `SELECT (envelope->>'n')::int AS n, set_aside_reason AS reason FROM "${schema}".outbox ORDER BY id`,
          ) as Promise<{ n: number; reason: string | null }[]>,
        (rs) => rs.every((r) => r.reason !== null),
        60_000,
        200,
      );
      expect(outcome.map((r) => r.n)).toEqual([2, 4]);
      expect(outcome[0].reason).toMatch(/^refused by the broker: MESSAGE_TOO_LARGE/);
      expect(outcome[1].reason).toMatch(/^message of \d+ bytes exceeds the 10000-byte limit$/);
      await waitFor(
        'set-aside gauge',
        () => metricValue(registry, 'messaging_outbox_set_aside'),
        (v) => v === 2,
        10_000,
      );
      expect(await metricValue(registry, 'messaging_outbox_set_aside_total')).toBe(2);
    } finally {
      await relay.stop();
    }
    // In Kafka: the three others, in order.
    const seen: number[] = [];
    const consumer = kafka.consumer({ groupId: `${schema}-setaside-check` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString()).n),
    });
    try {
      await waitFor(
        'three events read back',
        async () => seen.length,
        (n) => n >= 3,
        30_000,
      );
      // Time for a fourth to arrive, were the marked row sent after all.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual([1, 3, 5]);
  });
});
