import { Admin, Kafka } from 'kafkajs';
import { deadLetterTopicOf } from '@urrbmi/contracts';
import {
  DEFAULT_DLQ_RETENTION_DAYS,
  DEFAULT_TOPIC_RETENTION_DAYS,
  KafkaSettings,
  physicalTopic,
} from './kafka-settings';

const DAY_MS = 86_400_000;

/** The retention each topic gets at creation: event topics long (replay), dead letters their own. */
export function topicRetentionMs(settings: KafkaSettings, logicalTopic: string): number {
  const dlq = logicalTopic.endsWith('.dlq');
  const days = dlq
    ? (settings.deadLetterRetentionDays ?? DEFAULT_DLQ_RETENTION_DAYS)
    : (settings.retentionDays ?? DEFAULT_TOPIC_RETENTION_DAYS);
  return Math.round(days * DAY_MS);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates the topics (and their dead-letter topics) that do not exist yet, with the configured
 * partitions, replication and an explicit `retention.ms` (event topics: `retentionDays`, long enough
 * to rebuild projections by replay; dead-letter topics: `deadLetterRetentionDays`), and waits until
 * every partition has a leader. Retention is set at creation only: an existing topic keeps what its
 * operators gave it. Safe to run from every
 * service at every start, and from several at once: services starting together race to create the
 * same topics, and a broker may briefly answer "does not host this topic-partition" for a topic
 * another just created, so each attempt is idempotent and failed attempts are repeated.
 */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  logicalTopics: readonly string[],
): Promise<string[]> {
  const logical = [...new Set(logicalTopics.flatMap((t) => [t, deadLetterTopicOf(t)]))];
  const retentionOf = new Map(
    logical.map((t) => [physicalTopic(settings, t), topicRetentionMs(settings, t)]),
  );
  const wanted = [...retentionOf.keys()];
  for (let attempt = 1; ; attempt++) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION; we wait below instead.
        await admin
          .createTopics({
            waitForLeaders: false,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: settings.partitions,
              replicationFactor: settings.replicationFactor,
              configEntries: [{ name: 'retention.ms', value: String(retentionOf.get(topic)) }],
            })),
          })
          .catch(() => undefined); // "already exists" from a concurrent creator; checked below
      }
      await waitForLeaders(admin, wanted);
      return missing;
    } catch (e) {
      if (attempt >= 8) throw e;
      await sleep(250 * attempt);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (
        meta.length === topics.length &&
        meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    if (Date.now() > until)
      throw new Error(`topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await sleep(200);
  }
}
