import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createKafka } from '../src/kafka-settings';
import { ensureTopics } from '../src/topic-provisioner';
import { exited, runTs } from './support/child-process';
import { effectCounts, keysOutOfOrder } from './support/effects';
import { countedEnvelopes, groupProgress, sendRaw } from './support/publish';
import { prepareSchema, testKafkaSettings, uniqueName, waitFor } from './support/test-env';

const TOTAL = 10_000;

describe('consumer killed in the middle of a stream', () => {
  const schema = uniqueName('consumercrash');
  const settings = testKafkaSettings(schema);
  const group = `${schema}-effects`;
  let ds: DataSource;
  let kafka: Kafka;

  beforeAll(async () => {
    ds = await prepareSchema(schema);
    kafka = createKafka(settings);
    await ensureTopics(kafka, settings, ['test.counted']);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  it('applies every event exactly once after a SIGKILL and a restart', async () => {
    await sendRaw(
      kafka,
      settings,
      countedEnvelopes(
        Array.from({ length: TOTAL }, (_, i) => ({ key: `k${i % 300}`, n: Math.floor(i / 300) })),
      ),
    );
    const env = { SCHEMA: schema, TAG: schema, GROUP: group, MAX_BATCH: '100', HANDLER_DELAY_MS: '20' };

    const first = runTs('libs/messaging/test/fixtures/consumer-process.ts', env);
    const atKill = await waitFor(
      'a fifth applied',
      () => effectCounts(ds, schema),
      (c) => c.rows >= TOTAL / 5,
      90_000,
      10,
    );
    first.kill('SIGKILL');
    await exited(first);
    const afterKill = await effectCounts(ds, schema);
    expect(afterKill.rows).toBeLessThan(TOTAL); // really in the middle
    expect(afterKill.rows).toBeGreaterThanOrEqual(atKill.rows);

    const second = runTs('libs/messaging/test/fixtures/consumer-process.ts', {
      ...env,
      HANDLER_DELAY_MS: '0',
    });
    try {
      await waitFor(
        'group to reach the end',
        () => groupProgress(kafka, settings, group),
        (p) => p.committed === p.end,
        120_000,
        200,
      );
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }
    expect(await effectCounts(ds, schema)).toEqual({ rows: TOTAL, distinct: TOTAL });
    expect(await keysOutOfOrder(ds, schema)).toEqual([]);
  });
});
