import { Admin, Kafka, logLevel } from 'kafkajs';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the same lag the pipeline benchmark waits on, not a copy
import { totalLag } from '../../../../tools/bench/pipeline-run';
import { waitFor } from './services';

/**
 * Waits until the consumer groups of `services` in a deployment (`<groupPrefix><service>`) have
 * joined and committed past the end of every partition they read: everything already in those
 * topics is applied. Unlike a count of applied events, this holds for consumers without an inbox,
 * whose redeliveries are applied (and counted) again. Events the test is waiting for must already
 * be in Kafka. Pass `admin` when waiting several times (it stays connected); otherwise one is made.
 */
export async function waitForNoLag(
  groupPrefix: string,
  services: readonly string[],
  timeoutMs = 90_000,
  admin?: Admin,
): Promise<void> {
  const own =
    admin ??
    new Kafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
  if (!admin) await own.connect();
  try {
    await waitFor(
      `consumer groups ${groupPrefix}* caught up`,
      () => totalLag(own, groupPrefix, services),
      (n) => n === 0,
      timeoutMs,
    );
  } finally {
    if (!admin) await own.disconnect();
  }
}
