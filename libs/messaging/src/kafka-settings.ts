import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { KafkaSecurity } from './kafka-security';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prepended to every logical topic name (deployment or test isolation); may be empty. */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /**
   * `retention.ms` of event topics, in days, set when a topic is created. Long enough to rebuild a
   * season's projections by replaying from the beginning: a season and its refunds (400 by default).
   */
  retentionDays?: number;
  /** `retention.ms` of `<topic>.dlq` topics, in days: how long a dead letter waits for a replay (30). */
  deadLetterRetentionDays?: number;
  /** TLS and SASL (see kafka-security.ts); none on a private network. */
  security?: KafkaSecurity;
}

export const DEFAULT_TOPIC_RETENTION_DAYS = 400;
export const DEFAULT_DLQ_RETENTION_DAYS = 30;

export function physicalTopic(settings: Pick<KafkaSettings, 'topicPrefix'>, logical: string): string {
  return `${settings.topicPrefix}${logical}`;
}

export function logicalTopic(settings: Pick<KafkaSettings, 'topicPrefix'>, physical: string): string {
  return physical.startsWith(settings.topicPrefix) ? physical.slice(settings.topicPrefix.length) : physical;
}

export type KafkaLogSink = (
  level: 'error' | 'warn' | 'info' | 'debug',
  message: string,
  extra: object,
) => void;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(settings: KafkaSettings, sink?: KafkaLogSink): Kafka {
  // We never rely on the default partitioner's old behaviour: keys are hashed the v2 way everywhere.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.security?.ssl ? { ssl: settings.security.ssl } : {}),
    ...(settings.security?.sasl ? { sasl: settings.security.sasl } : {}),
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const {
        message,
        timestamp: _t,
        logger: _l,
        ...extra
      } = entry.log as LogEntry['log'] & { logger?: string };
      const where = entry.namespace ? `kafkajs:${entry.namespace}` : 'kafkajs';
      if (sink) sink(LEVELS[entry.level] ?? 'info', `[${where}] ${message}`, extra);
    },
  });
}
