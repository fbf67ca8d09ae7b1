import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { waitFor } from './services';

/**
 * What the services published, read where it went: the relay deletes an outbox row once Kafka has
 * it, so the topics, not the outbox, are the record of what was sent.
 */

/** `brokers`: a test's own broker (comma-separated), when it runs one; otherwise the shared one. */
function testKafka(brokers?: string): Kafka {
  return new Kafka({
    clientId: 'e2e-topic-reader',
    brokers: (brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
}

/**
 * A topic's offsets, asked again while the broker answers that it is still electing a partition's
 * leader (a topic the service has just created).
 */
async function offsetsOf(
  admin: Admin,
  topic: string,
): Promise<{ partition: number; high: string; low: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (e) {
      if (!(e as { retriable?: boolean }).retriable || attempt >= 40) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** How many messages the given (physical) topics hold, summed over their partitions. */
export async function messagesOnTopics(topics: readonly string[], brokers?: string): Promise<number> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics)
      for (const p of await offsetsOf(admin, topic)) total += Number(p.high) - Number(p.low);
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message on a topic up to its end as it was when asked (a fresh consumer group reads each
 * partition from the beginning past the offset that was its end then). Counting messages instead
 * would stop early while the relay is still sending: a partition read beyond its end can make up
 * the count while another is still behind.
 */
export async function readTopic(topic: string, brokers?: string): Promise<Record<string, unknown>[]> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await offsetsOf(admin, topic))
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];
  const consumer = testKafka(brokers).consumer({ groupId: `e2e-reader-${randomUUID()}` });
  const out: Record<string, unknown>[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${out.length} messages of ${topic}; partitions not at their end: ${[...ends.keys()]}`,
            ),
          ),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          out.push(JSON.parse(String(message.value)) as Record<string, unknown>);
          const end = ends.get(partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) ends.delete(partition);
          if (ends.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** A published event as the tests read it. */
export interface PublishedEvent {
  eventId: string;
  type: string;
  version: number;
  key: string;
  correlationId: string;
  payload: Record<string, unknown>;
}

/**
 * The events on a topic, each once: a relay that stopped between sending and deleting sends the
 * same event (same id) again, which the consumers skip, so a second copy is not a second event.
 */
export async function publishedEvents(topic: string, brokers?: string): Promise<PublishedEvent[]> {
  const seen = new Set<string>();
  const out: PublishedEvent[] = [];
  for (const e of (await readTopic(topic, brokers)) as unknown as PublishedEvent[]) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    out.push(e);
  }
  return out;
}

/** Anything with a `query` like pg's Client or Pool. */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Every event a service has committed to publish on a topic: those already in Kafka and those still
 * waiting in its outbox, each once. What a test asserts about the outbox it asserts here, so that
 * the relay's progress does not change the answer.
 */
export async function committedEvents(
  db: Queryable,
  schema: string,
  topicPrefix: string,
  topic: string,
  brokers?: string,
): Promise<PublishedEvent[]> {
  const pending = (
    await db.query(`SELECT envelope FROM "${schema}".outbox WHERE topic = $1 ORDER BY id`, [topic])
  ).rows.map((r) => (r as { envelope: PublishedEvent }).envelope);
  const published = await publishedEvents(topicPrefix + topic, brokers);
  const seen = new Set(published.map((e) => e.eventId));
  return [...published, ...pending.filter((e) => !seen.has(e.eventId))];
}

/**
 * Waits until a service's relay has sent everything its outbox holds (nothing is set aside in these
 * tests): after it, a topic read up to its end holds every event already committed.
 */
export async function waitForOutboxSent(db: Queryable, schema: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${schema} outbox sent`,
    async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`);
      return (rows[0] as { n: number }).n;
    },
    (n) => n === 0,
    timeoutMs,
  );
}
