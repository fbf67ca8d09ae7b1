import { Kafka, Message } from 'kafkajs';
import { EventEnvelope } from '@urrbmi/contracts';
import { KafkaSettings, physicalTopic } from '../../src/kafka-settings';
import { OutboxWriter } from '../../src/outbox-writer';
import { Counted, CountedV1, testCatalog } from './counted-event';

/** Envelopes of test.counted events, validated exactly as the outbox would. */
export function countedEnvelopes(payloads: CountedV1[]): EventEnvelope<object>[] {
  const writer = new OutboxWriter('unused', 'test', testCatalog());
  return writer.envelopes(payloads.map((payload) => ({ type: Counted.type, version: 1, payload })));
}

/** Sends envelopes (or raw messages) straight to the topic, bypassing any outbox. */
export async function sendRaw(
  kafka: Kafka,
  settings: KafkaSettings,
  messages: (EventEnvelope<object> | Message)[],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const CHUNK = 1000;
    for (let i = 0; i < messages.length; i += CHUNK) {
      await producer.send({
        topic: physicalTopic(settings, Counted.type),
        acks: -1,
        messages: messages
          .slice(i, i + CHUNK)
          .map((m) => ('eventId' in m ? { key: m.key, value: JSON.stringify(m) } : m)),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Committed offset sum of a group on the test topic, and the topic's end. */
export async function groupProgress(
  kafka: Kafka,
  settings: KafkaSettings,
  groupId: string,
): Promise<{ committed: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = physicalTopic(settings, Counted.type);
    const ends = await admin.fetchTopicOffsets(topic);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    return { committed, end: ends.reduce((s, p) => s + Number(p.high), 0) };
  } finally {
    await admin.disconnect();
  }
}
