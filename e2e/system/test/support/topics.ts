import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

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

/** How many messages the given (physical) topics hold, summed over their partitions. */
export async function messagesOnTopics(topics: readonly string[], brokers?: string): Promise<number> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    return total;
  } finally {
    await admin.disconnect();
  }
}

/** Every message now on a topic (a fresh consumer group reads from the beginning to the end). */
export async function readTopic(topic: string, brokers?: string): Promise<Record<string, unknown>[]> {
  const total = await messagesOnTopics([topic], brokers);
  if (total === 0) return [];
  const consumer = testKafka(brokers).consumer({ groupId: `e2e-reader-${randomUUID()}` });
  const out: Record<string, unknown>[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${out.length} of ${total} messages of ${topic}`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          out.push(JSON.parse(String(message.value)) as Record<string, unknown>);
          if (out.length >= total) {
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
