import { DataSource } from 'typeorm';
import { EventBackbone } from '../src/event-backbone';
import { IdempotentBatchConsumer } from '../src/idempotent-batch-consumer';
import { createKafka } from '../src/kafka-settings';
import { OutboxWriter } from '../src/outbox-writer';
import { ensureTopics } from '../src/topic-provisioner';
import { exited, runTs } from './support/child-process';
import { Counted, testCatalog } from './support/counted-event';
import { effectCounts, keysOutOfOrder, pendingOutbox, recordEffects } from './support/effects';
import { prepareSchema, testKafkaSettings, uniqueName, waitFor } from './support/test-env';

const KEYS = 200;
const TOTAL = 10_000;

describe('outbox relay killed half way', () => {
  const schema = uniqueName('relaycrash');
  const tag = schema;
  const settings = testKafkaSettings(tag);
  let ds: DataSource;
  let consumer: IdempotentBatchConsumer;

  beforeAll(async () => {
    ds = await prepareSchema(schema);
    await ensureTopics(createKafka(settings), settings, ['test.counted']);
  });

  afterAll(async () => {
    await consumer?.stop();
    await ds?.destroy();
  });

  it('publishes 10,000 outbox events exactly once each, in per-key order, across a SIGKILL of the relay', async () => {
    // 1. Written while no relay runs: ten transactions of 1,000, keys interleaved, n rising per key.
    const writer = new OutboxWriter(schema, 'test', testCatalog());
    for (let t = 0; t < 10; t++) {
      await ds.transaction((m) =>
        writer.publish(
          m,
          Array.from({ length: TOTAL / 10 }, (_, j) => {
            const i = t * (TOTAL / 10) + j;
            return {
              type: Counted.type,
              version: 1,
              payload: { key: `k${i % KEYS}`, n: Math.floor(i / KEYS) },
            };
          }),
        ),
      );
    }
    expect(await pendingOutbox(ds, schema)).toBe(TOTAL);

    const backbone = new EventBackbone({
      service: 'test',
      schema,
      databaseUrl: '',
      dataSource: ds,
      settings,
      catalog: testCatalog(),
    });
    consumer = backbone.createConsumer(`${tag}-effects`, new Map([['test.counted', recordEffects(schema)]]));
    await consumer.start();

    // 2. Relay in its own process, small batches, killed once a good part is published.
    const first = runTs('libs/messaging/test/fixtures/relay-process.ts', {
      SCHEMA: schema,
      TAG: tag,
      RELAY_BATCH_SIZE: '25',
    });
    const publishedAtKill = await waitFor(
      'relay to publish a third',
      async () => TOTAL - (await pendingOutbox(ds, schema)),
      (n) => n >= TOTAL / 3,
      60_000,
      5,
    );
    first.kill('SIGKILL');
    await exited(first);
    const pendingAfterKill = await pendingOutbox(ds, schema);
    expect(publishedAtKill).toBeGreaterThan(0);
    expect(pendingAfterKill).toBeGreaterThan(0); // killed half way, not after the end

    // 3. A new relay finishes the job.
    const second = runTs('libs/messaging/test/fixtures/relay-process.ts', {
      SCHEMA: schema,
      TAG: tag,
      RELAY_BATCH_SIZE: '500',
    });
    try {
      await waitFor(
        'outbox to drain',
        () => pendingOutbox(ds, schema),
        (n) => n === 0,
        90_000,
        100,
      );
      await waitFor(
        'all effects',
        () => effectCounts(ds, schema),
        (c) => c.distinct === TOTAL,
        90_000,
        100,
      );
      // Whatever was sent twice around the kill has arrived by now; give stragglers a moment.
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }

    expect(await effectCounts(ds, schema)).toEqual({ rows: TOTAL, distinct: TOTAL });
    expect(await keysOutOfOrder(ds, schema)).toEqual([]);
    const [{ keys }] = await ds.query(
      `SELECT count(DISTINCT event_key)::int AS keys FROM "${schema}".effects`,
    );
    expect(keys).toBe(KEYS);
  });
});
