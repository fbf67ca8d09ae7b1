import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { BatchHandler, ConsumedEvent, IdempotentBatchConsumer } from '../src/idempotent-batch-consumer';
import { createKafka } from '../src/kafka-settings';
import { MessagingMetrics } from '../src/messaging-metrics';
import { ensureTopics } from '../src/topic-provisioner';
import { testCatalog } from './support/counted-event';
import { effectCounts, recordEffects } from './support/effects';
import { countedEnvelopes, groupProgress, sendRaw } from './support/publish';
import { prepareSchema, testKafkaSettings, uniqueName, waitFor } from './support/test-env';

describe('idempotent batch consumer', () => {
  let ds: DataSource;
  let kafka: Kafka;
  const schema = uniqueName('batchconsumer');
  const consumers: IdempotentBatchConsumer[] = [];

  beforeAll(async () => {
    ds = await prepareSchema(schema);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await ds.query(`TRUNCATE "${schema}".effects, "${schema}".inbox`);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  async function topicFor(tag: string) {
    const settings = testKafkaSettings(uniqueName(tag));
    kafka = createKafka(settings);
    await ensureTopics(kafka, settings, ['test.counted']);
    return settings;
  }

  function consumer(
    settings: ReturnType<typeof testKafkaSettings>,
    group: string,
    handler: BatchHandler,
    extra: object = {},
  ) {
    const c = new IdempotentBatchConsumer({
      kafka,
      settings,
      dataSource: ds,
      schema,
      groupId: group,
      catalog: testCatalog(),
      handlers: new Map([['test.counted', handler]]),
      retryBaseMs: 50,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 1000,
      ...extra,
    });
    consumers.push(c);
    return c;
  }

  it('rolls back a failed batch transaction entirely and applies it once when Kafka redelivers it', async () => {
    const settings = await topicFor('redeliver');
    await sendRaw(
      kafka,
      settings,
      countedEnvelopes(Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, n: i }))),
    );
    const record = recordEffects(schema);
    let failedAttempts = 0;
    // First consumer: writes its effects, then its transaction fails, again and again.
    const failing = consumer(
      settings,
      'g-redeliver',
      async (events: ConsumedEvent[], m: EntityManager) => {
        await record(events, m);
        failedAttempts++;
        throw new Error('simulated failure after writing effects');
      },
      { retryBaseMs: 60_000, maxAttempts: 1000 },
    );
    await failing.start();
    await waitFor(
      'a failed attempt',
      async () => failedAttempts,
      (n) => n >= 1,
    );
    await failing.stop(); // stops while waiting to retry: nothing committed, offsets not committed
    expect(await effectCounts(ds, schema)).toEqual({ rows: 0, distinct: 0 });
    expect((await ds.query(`SELECT count(*)::int AS n FROM "${schema}".inbox`))[0].n).toBe(0);

    // The group's next member gets the same events again from Kafka and applies them once.
    await consumer(settings, 'g-redeliver', record).start();
    await waitFor(
      'group at end',
      () => groupProgress(kafka, settings, 'g-redeliver'),
      (p) => p.committed === p.end && p.end === 20,
    );
    expect(await effectCounts(ds, schema)).toEqual({ rows: 20, distinct: 20 });
  });

  it('retries a transient failure with backoff inside the same consumer and applies the batch once', async () => {
    const settings = await topicFor('transient');
    await sendRaw(
      kafka,
      settings,
      countedEnvelopes(Array.from({ length: 50 }, (_, i) => ({ key: 'same-key', n: i }))),
    );
    const record = recordEffects(schema);
    let calls = 0;
    await consumer(settings, 'g-transient', async (events, m) => {
      calls++;
      await record(events, m);
      if (calls <= 2) throw new Error('deadlock detected (simulated)');
    }).start();
    await waitFor(
      'group at end',
      () => groupProgress(kafka, settings, 'g-transient'),
      (p) => p.committed === p.end && p.end === 50,
    );
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(await effectCounts(ds, schema)).toEqual({ rows: 50, distinct: 50 });
  });

  it('changes nothing when an event is delivered twice', async () => {
    const settings = await topicFor('twice');
    const envelopes = countedEnvelopes(Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, n: i })));
    const metrics = new MessagingMetrics(new Registry());
    await consumer(settings, 'g-twice', recordEffects(schema), { metrics }).start();
    await sendRaw(kafka, settings, envelopes);
    await waitFor(
      'first delivery applied',
      () => effectCounts(ds, schema),
      (c) => c.rows === 10,
    );
    // The same events again (a relay that crashed before marking them sent does exactly this),
    // once in a separate send and once twice within one batch.
    await sendRaw(kafka, settings, [...envelopes.slice(0, 5), envelopes[7], envelopes[7]]);
    await waitFor(
      'group at end',
      () => groupProgress(kafka, settings, 'g-twice'),
      (p) => p.committed === p.end && p.end === 17,
    );
    expect(await effectCounts(ds, schema)).toEqual({ rows: 10, distinct: 10 });
    const dupes = await metrics.duplicates.get();
    expect(dupes.values.reduce((s, v) => s + v.value, 0)).toBe(7);
  });
});
