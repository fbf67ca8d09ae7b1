// Dead-letter topics, for operators:
//   npm run dlq -- list   <topic>                         every message in <topic>.dlq, with its error
//   npm run dlq -- replay <topic> [partition:offset ...]  send them (or the named ones) back to <topic>
// Reads KAFKA_BROKERS, KAFKA_TOPIC_PREFIX and the KAFKA_SSL*/KAFKA_SASL_* settings like the services. Replaying is safe to repeat: the
// event keeps its id, and consumers that already applied it skip it.
import { ALL_TOPICS } from '@urrbmi/contracts';
import { createKafka, DeadLetterQueue } from '@urrbmi/messaging';
import { loadServiceEnv } from '@urrbmi/platform';

async function main(argv: string[]): Promise<number> {
  const [command, topic, ...offsets] = argv;
  if (!['list', 'replay'].includes(command ?? '') || !topic) {
    console.error('usage: npm run dlq -- list <topic> | replay <topic> [partition:offset ...]');
    console.error(`topics: ${ALL_TOPICS.join(', ')}`);
    return 2;
  }
  if (!(ALL_TOPICS as readonly string[]).includes(topic))
    console.error(`note: ${topic} is not a contract topic`);
  if (offsets.some((o) => !/^\d+:\d+$/.test(o))) {
    console.error('entries are named partition:offset, e.g. 0:42');
    return 2;
  }
  const env = loadServiceEnv();
  const settings = {
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'dlq-cli',
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    partitions: env.KAFKA_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    security: env.kafkaSecurity,
  };
  const dlq = new DeadLetterQueue(createKafka(settings), settings);
  const entries = command === 'list' ? await dlq.list(topic) : await dlq.replay(topic, offsets);
  for (const e of entries) console.log(JSON.stringify(e));
  console.error(`${command === 'list' ? 'listed' : 'replayed'} ${entries.length} message(s) of ${topic}.dlq`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`dlq: ${(e as Error).message}`);
    process.exit(1);
  },
);
