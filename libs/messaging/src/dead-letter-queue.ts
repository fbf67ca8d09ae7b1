import { randomUUID } from 'node:crypto';
import { IHeaders, Kafka } from 'kafkajs';
import { deadLetterTopicOf } from '@urrbmi/contracts';
import { maskResidentId } from '@urrbmi/domain';
import { DlqHeader, headerText } from './dead-letter';
import { KafkaSettings, physicalTopic } from './kafka-settings';

export interface DeadLetterEntry {
  dlqTopic: string;
  partition: number;
  offset: string;
  /** Masked when it is a resident ID number. */
  key: string | null;
  sourceTopic?: string;
  sourcePartition?: string;
  sourceOffset?: string;
  consumerGroup?: string;
  error?: string;
  failedAt?: string;
  eventId?: string;
  eventType?: string;
}

interface RawEntry {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Reads and replays `<topic>.dlq` (the operator's tool; see `tools/dlq.ts`). */
export class DeadLetterQueue {
  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {}

  /** Every message now in the dead-letter topic of a logical topic. */
  async list(logicalTopicName: string): Promise<DeadLetterEntry[]> {
    const dlqTopic = physicalTopic(this.settings, deadLetterTopicOf(logicalTopicName));
    return (await this.readAll(dlqTopic)).map((m) => describe(dlqTopic, m));
  }

  /**
   * Sends dead-lettered messages back to their source topic (same key and value, so the same event
   * id: consumers that already applied it skip it). `offsets` picks entries as `partition:offset`;
   * none means all. Returns what was replayed.
   */
  async replay(logicalTopicName: string, offsets?: string[]): Promise<DeadLetterEntry[]> {
    const dlqTopic = physicalTopic(this.settings, deadLetterTopicOf(logicalTopicName));
    const wanted = offsets && offsets.length > 0 ? new Set(offsets) : undefined;
    const picked = (await this.readAll(dlqTopic)).filter(
      (m) => !wanted || wanted.has(`${m.partition}:${m.offset}`),
    );
    if (picked.length === 0) return [];
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      for (const m of picked) {
        const source =
          headerText(m.headers, DlqHeader.SourceTopic) ?? physicalTopic(this.settings, logicalTopicName);
        const headers: IHeaders = {};
        for (const [k, v] of Object.entries(m.headers))
          if (!k.startsWith('x-dlq-') && v !== undefined) headers[k] = v;
        headers[DlqHeader.ReplayedFrom] = `${dlqTopic}/${m.partition}/${m.offset}`;
        await producer.send({ topic: source, acks: -1, messages: [{ key: m.key, value: m.value, headers }] });
      }
    } finally {
      await producer.disconnect();
    }
    return picked.map((m) => describe(dlqTopic, m));
  }

  private async readAll(topic: string): Promise<RawEntry[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string; low: string }[];
    try {
      ends = await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
    const remaining = new Map(
      ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]),
    );
    if (remaining.size === 0) return [];
    const out: RawEntry[] = [];
    // A throwaway group that never commits: reading the DLQ leaves no trace on the cluster.
    const consumer = this.kafka.consumer({
      groupId: `dlq-reader-${randomUUID()}`,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 60_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const end = remaining.get(partition);
              if (end === undefined) return;
              if (BigInt(message.offset) < end) {
                out.push({
                  partition,
                  offset: message.offset,
                  key: message.key,
                  value: message.value,
                  headers: message.headers ?? {},
                });
              }
              if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }
}

function describe(dlqTopic: string, m: RawEntry): DeadLetterEntry {
  const key = m.key?.toString('utf8') ?? null;
  let eventId: string | undefined;
  let eventType: string | undefined;
  try {
    const v = JSON.parse(m.value?.toString('utf8') ?? '');
    eventId = typeof v?.eventId === 'string' ? v.eventId : undefined;
    eventType = typeof v?.type === 'string' ? `${v.type}@${v.version}` : undefined;
  } catch {
    // not JSON: that is often why it is here
  }
  return {
    dlqTopic,
    partition: m.partition,
    offset: m.offset,
    key: key && key.length === 18 ? maskResidentId(key) : key,
    sourceTopic: headerText(m.headers, DlqHeader.SourceTopic),
    sourcePartition: headerText(m.headers, DlqHeader.SourcePartition),
    sourceOffset: headerText(m.headers, DlqHeader.SourceOffset),
    consumerGroup: headerText(m.headers, DlqHeader.ConsumerGroup),
    error: headerText(m.headers, DlqHeader.Error),
    failedAt: headerText(m.headers, DlqHeader.FailedAt),
    eventId,
    eventType,
  };
}
