import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ALL_TOPICS, EventCatalog } from '@urrbmi/contracts';
import { BackboneLogger, silentLogger } from './backbone-logger';
import { BatchHandler, ConsumerTuning, IdempotentBatchConsumer } from './idempotent-batch-consumer';
import { InboxRetention } from './inbox-retention';
import { createKafka, KafkaSettings } from './kafka-settings';
import { MessagingMetrics } from './messaging-metrics';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { ensureTopics } from './topic-provisioner';

export interface EventBackboneOptions {
  service: string;
  schema: string;
  databaseUrl: string;
  dataSource: DataSource;
  settings: KafkaSettings;
  catalog: EventCatalog;
  metrics?: MessagingMetrics;
  logger?: BackboneLogger;
  relayBatchSize?: number;
  relayPollIntervalMs?: number;
  /** Largest message the relay hands to the broker; larger outbox rows are set aside. */
  maxMessageBytes?: number;
  /** Inbox rows older than this are deleted (days, 14 by default). */
  inboxRetentionDays?: number;
  /** Topics provisioned at start; all contract topics by default. */
  topics?: readonly string[];
}

/** One service's connection to the event backbone: outbox writer, relay, consumers, provisioning. */
export class EventBackbone {
  readonly kafka: Kafka;
  readonly outbox: OutboxWriter;
  readonly relay: OutboxRelay;
  readonly inboxRetention: InboxRetention;
  private readonly consumers: IdempotentBatchConsumer[] = [];
  private readonly logger: BackboneLogger;

  constructor(readonly options: EventBackboneOptions) {
    this.logger = options.logger ?? silentLogger;
    this.kafka = createKafka(options.settings, (level, message, extra) =>
      this.logger[level === 'debug' ? 'info' : level](message, extra),
    );
    this.outbox = new OutboxWriter(options.schema, options.service, options.catalog);
    this.relay = new OutboxRelay({
      databaseUrl: options.databaseUrl,
      schema: options.schema,
      kafka: this.kafka,
      settings: options.settings,
      metrics: options.metrics,
      logger: this.logger,
      batchSize: options.relayBatchSize,
      pollIntervalMs: options.relayPollIntervalMs,
      maxMessageBytes: options.maxMessageBytes,
    });
    this.inboxRetention = new InboxRetention({
      dataSource: options.dataSource,
      schema: options.schema,
      retentionDays: options.inboxRetentionDays ?? 14,
      metrics: options.metrics,
      logger: this.logger,
    });
  }

  /** Provisions topics (retrying while the broker is away), starts the relay and the inbox cleanup. */
  async start(): Promise<void> {
    await this.provisionTopics();
    this.relay.start();
    this.inboxRetention.start();
  }

  async provisionTopics(): Promise<void> {
    const created = await ensureTopics(this.kafka, this.options.settings, this.options.topics ?? ALL_TOPICS);
    if (created.length > 0) this.logger.info('topics created', { topics: created });
  }

  createConsumer(
    groupId: string,
    handlers: Map<string, BatchHandler>,
    tuning: ConsumerTuning = {},
  ): IdempotentBatchConsumer {
    const consumer = new IdempotentBatchConsumer({
      ...tuning,
      kafka: this.kafka,
      settings: this.options.settings,
      dataSource: this.options.dataSource,
      schema: this.options.schema,
      groupId,
      catalog: this.options.catalog,
      handlers,
      metrics: this.options.metrics,
      logger: this.logger,
    });
    this.consumers.push(consumer);
    return consumer;
  }

  /** True when the broker answers a metadata request within `timeoutMs`. */
  async kafkaReachable(timeoutMs = 2000): Promise<boolean> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }

  consumerFailures(): Error[] {
    return this.consumers.map((c) => c.failure).filter((e): e is Error => e !== undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.inboxRetention.stop();
    await this.relay.stop();
  }
}
