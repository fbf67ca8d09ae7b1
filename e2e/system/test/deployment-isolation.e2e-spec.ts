import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { personId } from './support/rounds';
import { ServiceUnderTest, startServiceUnderTest, waitFor } from './support/services';

/**
 * Two deployments of enrollment-service on one broker at the same time, each with its own database
 * and topic prefix (and so, by default, its own consumer group `<prefix>enrollment-service`). Each
 * must apply every one of its own events and none of the other's: were the group shared, the broker
 * would hand part of one deployment's partitions to the other's consumer, which drops them.
 */
const REGION = '620725';
const PER_DEPLOYMENT = 60;

describe('deployment isolation: two deployments on one broker', () => {
  let a: ServiceUnderTest;
  let b: ServiceUnderTest;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      startServiceUnderTest('enrollment-service', 20030, 'isolationa', {
        CLOCK_START: '2023-10-15T10:00:00+08:00',
      }),
      startServiceUnderTest('enrollment-service', 20040, 'isolationb', {
        CLOCK_START: '2023-10-15T10:00:00+08:00',
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const payments = (inject: EventInjector, ids: string[]) =>
    ids.map((id, i) =>
      inject.envelope('payment.recorded', {
        voucherNo: `ISO-${id}-${i}`,
        idNumber: id,
        name: '续保人',
        regionCode: REGION,
        townshipCode: '620725101',
        season: 2023,
        amountFen: 38000,
        channel: 'TAX_APP',
        paidAt: '2023-10-16T09:30:00+08:00',
        feedId: randomUUID(),
      }),
    );
  const active = async (svc: ServiceUnderTest) =>
    (
      await svc.db.query(
        `SELECT id_number FROM enrollment.enrollments WHERE status = 'ACTIVE' ORDER BY id_number`,
      )
    ).rows.map((r) => r.id_number as string);

  it('gives each deployment all of its own events and none of the other’s', async () => {
    const idsA = Array.from({ length: PER_DEPLOYMENT }, (_, i) => personId(REGION, i));
    const idsB = Array.from({ length: PER_DEPLOYMENT }, (_, i) => personId(REGION, 500 + i));
    const injectA = new EventInjector(a.prefix);
    const injectB = new EventInjector(b.prefix);
    // Renewals that just pay: each payment registers and activates its payer in that deployment.
    await Promise.all([injectA.send(payments(injectA, idsA)), injectB.send(payments(injectB, idsB))]);

    const [gotA, gotB] = await Promise.all([
      waitFor(
        'deployment A',
        () => active(a),
        (ids) => ids.length >= PER_DEPLOYMENT,
        120_000,
      ),
      waitFor(
        'deployment B',
        () => active(b),
        (ids) => ids.length >= PER_DEPLOYMENT,
        120_000,
      ),
    ]);
    expect(gotA).toEqual([...idsA].sort());
    expect(gotB).toEqual([...idsB].sort());

    // Each applied exactly its own events, in a consumer group of its own.
    for (const [svc, n] of [
      [a, PER_DEPLOYMENT],
      [b, PER_DEPLOYMENT],
    ] as const) {
      const inbox = await svc.db.query(
        `SELECT consumer_group, topic, count(*)::int AS n FROM enrollment.inbox GROUP BY 1, 2`,
      );
      expect(inbox.rows).toEqual([
        { consumer_group: `${svc.prefix}enrollment-service`, topic: 'payment.recorded', n },
      ]);
    }

    // What each published went to its own topics only.
    const kafka = new Kafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });
    for (const [svc, ids] of [
      [a, idsA],
      [b, idsB],
    ] as const) {
      const consumer = kafka.consumer({ groupId: `isolation-check-${randomUUID()}` });
      const seen: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: `${svc.prefix}enrollment.registered`, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) =>
          void seen.push(JSON.parse(message.value!.toString()).payload.idNumber),
      });
      try {
        await waitFor(
          'registered events',
          async () => seen.length,
          (k) => k >= ids.length,
          60_000,
        );
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        await consumer.disconnect();
      }
      expect(seen.sort()).toEqual([...ids].sort());
    }
  });
});
