import { Kafka } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetterQueue } from '../src/dead-letter-queue';
import { ConsumedEvent, IdempotentBatchConsumer } from '../src/idempotent-batch-consumer';
import { createKafka } from '../src/kafka-settings';
import { ensureTopics } from '../src/topic-provisioner';
import { CountedV1, testCatalog } from './support/counted-event';
import { effectCounts, recordEffects } from './support/effects';
import { countedEnvelopes, groupProgress, sendRaw } from './support/publish';
import { prepareSchema, testKafkaSettings, uniqueName, waitFor } from './support/test-env';

describe('poison messages and the dead-letter topic', () => {
  const schema = uniqueName('deadletter');
  const settings = testKafkaSettings(schema);
  const group = `${schema}-effects`;
  let ds: DataSource;
  let kafka: Kafka;
  let consumer: IdempotentBatchConsumer;
  /** The "cause": the handler refuses poison payloads until this is fixed. */
  let causeFixed = false;

  beforeAll(async () => {
    ds = await prepareSchema(schema);
    kafka = createKafka(settings);
    await ensureTopics(kafka, settings, ['test.counted']);
    const record = recordEffects(schema);
    consumer = new IdempotentBatchConsumer({
      kafka,
      settings,
      dataSource: ds,
      schema,
      groupId: group,
      catalog: testCatalog(),
      retryBaseMs: 20,
      maxAttempts: 3,
      handlers: new Map([
        [
          'test.counted',
          async (events: ConsumedEvent[], m: EntityManager) => {
            const bad = events.find((e) => (e.envelope.payload as CountedV1).poison && !causeFixed);
            if (bad)
              throw new Error(
                `cannot apply n=${(bad.envelope.payload as CountedV1).n} for 620725199001011234`,
              );
            await record(events, m);
          },
        ],
      ]),
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await ds?.destroy();
  });

  it('dead-letters what keeps failing or fails validation, moves on, and replays exactly once after the fix', async () => {
    const [before, poison, after1, after2] = countedEnvelopes([
      { key: 'one-key', n: 1 },
      { key: 'one-key', n: 2, poison: true },
      { key: 'one-key', n: 3 },
      { key: 'one-key', n: 4 },
    ]);
    const unknownType = { ...after1, eventId: '7d0b8a55-3c33-4c8e-9f55-0d5f1f1b0c01', type: 'test.unknown' };
    const badPayload = {
      ...after1,
      eventId: '7d0b8a55-3c33-4c8e-9f55-0d5f1f1b0c02',
      payload: { key: 'one-key', n: 'three' },
    };
    // Everything on one key, so on one partition: the later events must not be blocked.
    await sendRaw(kafka, settings, [
      before,
      poison,
      { key: 'one-key', value: 'this is not JSON' },
      unknownType,
      badPayload as never,
      after1,
      after2,
    ]);
    await waitFor(
      'group at end',
      () => groupProgress(kafka, settings, group),
      (p) => p.committed === p.end && p.end === 7,
    );
    const applied: { n: number }[] = await ds.query(`SELECT n FROM "${schema}".effects ORDER BY seq`);
    expect(applied.map((r) => r.n)).toEqual([1, 3, 4]);

    const dlq = new DeadLetterQueue(kafka, settings);
    const entries = await dlq.list('test.counted');
    expect(entries).toHaveLength(4);
    const byError = entries.map((e) => e.error ?? '');
    expect(byError.some((e) => e.includes('cannot apply n=2 for 620725********1234'))).toBe(true); // masked
    expect(byError.some((e) => e.startsWith('message is not JSON'))).toBe(true);
    expect(byError.some((e) => e.includes('unknown event: test.unknown version 1'))).toBe(true);
    expect(byError.some((e) => e.includes('n must be an integer number'))).toBe(true);
    const poisonEntry = entries.find((e) => e.eventId === poison.eventId)!;
    expect(poisonEntry).toMatchObject({
      consumerGroup: group,
      sourceTopic: `${settings.topicPrefix}test.counted`,
      eventType: 'test.counted@1',
    });

    // Fix the cause, replay that entry: applied once. Replaying it again changes nothing.
    causeFixed = true;
    const replayed = await dlq.replay('test.counted', [`${poisonEntry.partition}:${poisonEntry.offset}`]);
    expect(replayed.map((r) => r.eventId)).toEqual([poison.eventId]);
    await waitFor(
      'replay applied',
      () => effectCounts(ds, schema),
      (c) => c.rows === 4,
    );
    await dlq.replay('test.counted', [`${poisonEntry.partition}:${poisonEntry.offset}`]);
    await waitFor(
      'group at end',
      () => groupProgress(kafka, settings, group),
      (p) => p.committed === p.end && p.end === 9,
    );
    expect(await effectCounts(ds, schema)).toEqual({ rows: 4, distinct: 4 });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM "${schema}".effects WHERE event_id = $1`, [
      poison.eventId,
    ]);
    expect(n).toBe(1);
  });
});
