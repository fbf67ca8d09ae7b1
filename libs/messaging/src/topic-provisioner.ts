import { Kafka } from 'kafkajs';
import { deadLetterTopicOf } from '@urrbmi/contracts';
import { KafkaSettings, physicalTopic } from './kafka-settings';

/**
 * Creates the topics (and their dead-letter topics) that do not exist yet, with the configured
 * partitions and replication. Safe to run from every service at every start.
 */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  logicalTopics: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(logicalTopics.flatMap((t) => [t, deadLetterTopicOf(t)]))].map((t) =>
    physicalTopic(settings, t),
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length === 0) return [];
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
        })),
      });
    } catch (e) {
      // Another service created some of them between our list and create: only that is fine.
      const after = new Set(await admin.listTopics());
      if (missing.some((t) => !after.has(t))) throw e;
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
