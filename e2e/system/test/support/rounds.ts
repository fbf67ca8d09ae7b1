import { Kafka, logLevel } from 'kafkajs';
import { ServiceName } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { EventInjector } from './events';
import { waitForNoLag } from './lag';

export type Envelope = ReturnType<EventInjector['envelope']>;

/** Every ordering of `items`, the given order first (that is the production order). */
export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const out: T[][] = [];
  items.forEach((head, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([head, ...rest]);
  });
  return out;
}

/** A valid resident ID number of `region` for the n-th test person (n < 100,000). */
export function personId(region: string, n: number): string {
  const first17 = `${region}${1930 + Math.floor(n / 1000)}0101${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * Delivers each person's events in the order of that person's schedule, whatever topic they are on:
 * round r sends the r-th event of every person, then waits until the service has applied all of
 * them (its consumer group has committed past the end of every topic), so the r+1-th event of a
 * person cannot overtake the r-th.
 * Many persons share each round, so one service start covers every permutation.
 */
export async function deliverInRounds(
  prefix: string,
  service: ServiceName,
  schedules: Envelope[][],
  timeoutMs = 180_000,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'e2e-rounds',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    const rounds = Math.max(...schedules.map((s) => s.length));
    for (let r = 0; r < rounds; r++) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const s of schedules) {
        const e = s[r];
        if (!e) continue;
        const list = byTopic.get(e.type) ?? [];
        list.push({ key: e.key, value: JSON.stringify(e) });
        byTopic.set(e.type, list);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([type, messages]) => ({ topic: `${prefix}${type}`, messages })),
      });
      await waitForNoLag(prefix, [service], timeoutMs, admin);
    }
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}
