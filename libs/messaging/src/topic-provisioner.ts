import { Admin, Kafka } from 'kafkajs';
import { deadLetterTopicOf } from '@urrbmi/contracts';
import { KafkaSettings, physicalTopic } from './kafka-settings';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates the topics (and their dead-letter topics) that do not exist yet, with the configured
 * partitions and replication, and waits until every partition has a leader. Safe to run from every
 * service at every start, and from several at once: services starting together race to create the
 * same topics, and a broker may briefly answer "does not host this topic-partition" for a topic
 * another just created, so each attempt is idempotent and failed attempts are repeated.
 */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  logicalTopics: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(logicalTopics.flatMap((t) => [t, deadLetterTopicOf(t)]))].map((t) =>
    physicalTopic(settings, t),
  );
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
