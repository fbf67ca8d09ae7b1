// Deletes the topics this run created (they all carry its prefix), then stops the broker only when
// this run started it (and KEEP_KAFKA is not set).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');

/** A reused broker must not fill up with every run's topics: each partition holds a file open. */
async function deleteRunTopics() {
  const prefix = process.env.KAFKA_TOPIC_PREFIX;
  if (!prefix || !/^test[0-9a-z]+\.$/.test(prefix) || !process.env.KAFKA_BROKERS) return;
  const admin = new Kafka({
    brokers: process.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    for (let i = 0; i < topics.length; i += 500)
      await admin.deleteTopics({ topics: topics.slice(i, i + 500) });
    console.log(`[test] deleted ${topics.length} topics of this run (${prefix}*)`);
  } catch (e) {
    console.error(`[test] could not delete this run's topics: ${e.message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

module.exports = async () => {
  if (globalThis.__urrbmiTornDown) return;
  globalThis.__urrbmiTornDown = true;
  await deleteRunTopics();
  for (const c of globalThis.__urrbmiContainers ?? []) await c.stop();
  if (process.env.URRBMI_STARTED_KAFKA === '1' && !process.env.KEEP_KAFKA) {
    execFileSync('bash', [path.resolve(__dirname, '../kafka/kafka.sh'), 'stop'], { stdio: 'inherit' });
  }
};
