import { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { EventCatalog, EventEnvelope } from '@urrbmi/contracts';
import { assertIdentifier, isConnectionError, isTransientFailure } from '@urrbmi/persistence';
import { BackboneLogger, silentLogger } from './backbone-logger';
import { sendToDeadLetter } from './dead-letter';
import { KafkaSettings, logicalTopic, physicalTopic } from './kafka-settings';
import { MessagingMetrics } from './messaging-metrics';

export interface ConsumedEvent<P extends object = object> {
  envelope: EventEnvelope<P>;
  /** Logical topic (without the deployment prefix). */
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Applies a batch of new events (never seen before by this group) inside `manager`'s transaction.
 * It must be set-based: one statement for the batch, not one per event. Without the inbox
 * (`ConsumerTuning.inbox: false`) the events may have been applied before, and the handler must
 * make a second application change nothing.
 */
export type BatchHandler = (events: ConsumedEvent[], manager: EntityManager) => Promise<void>;

/** How a consumer reads and applies; the defaults suit a live consumer. */
export interface ConsumerTuning {
  /** Events per transaction (1000). */
  maxBatchSize?: number;
  /**
   * Record each event's id in the inbox and apply only the new ones (true). Only a consumer whose
   * handlers are idempotent by themselves (a second application of an event changes nothing) may
   * turn it off: it then saves a row written per event, and a redelivery is applied again.
   */
  inbox?: boolean;
  /** Partitions whose batches are applied at the same time (1): order is kept within a partition. */
  partitionsConsumedConcurrently?: number;
  /** kafkajs fetch sizes and wait (1 MiB per partition, 10 MiB per fetch, 5 s). */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
}

export interface IdempotentBatchConsumerOptions extends ConsumerTuning {
  kafka: Kafka;
  settings: KafkaSettings;
  dataSource: DataSource;
  schema: string;
  groupId: string;
  catalog: EventCatalog;
  /** Logical topic -> handler. */
  handlers: Map<string, BatchHandler>;
  metrics?: MessagingMetrics;
  logger?: BackboneLogger;
  /** Attempts before a failing batch is split and a failing single event is dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  fromBeginning?: boolean;
}

/** A redelivery inside one batch (same id twice) is applied at its first position only. */
function firstOfEach(events: ConsumedEvent[], admit: (id: string) => boolean = () => true): ConsumedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const id = e.envelope.eventId;
    if (!admit(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

class StoppedError extends Error {
  constructor() {
    super('consumer is stopping');
  }
}

/**
 * kafkajs `eachBatch` with our own commit rules:
 * - each chunk's effects and the ids of its events commit in one Postgres transaction (the inbox),
 *   then the offset is committed; a redelivered event is filtered out by the inbox and changes nothing;
 * - a failing transaction is retried with backoff; one that keeps failing is split, and a single
 *   event that keeps failing goes to `<topic>.dlq` with the error in its headers so the partition
 *   moves on. A transient failure is never a reason to dead-letter: an unreachable or restarting
 *   database, a deadlock, a serialization failure, a lock or statement timeout, too many connections,
 *   out of memory or a full disk (see `isTransientFailure`) is retried with backoff until it passes;
 * - messages that fail validation (not JSON, bad envelope, unknown type/version, invalid payload)
 *   are poison at once;
 * - partitions are handled one at a time, in order, with heartbeats during long work (a consumer
 *   whose handlers do not depend on order across partitions may apply several at once:
 *   `partitionsConsumedConcurrently`; order within a partition is always kept).
 */
export class IdempotentBatchConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly schema: string;
  private readonly logger: BackboneLogger;
  private readonly maxBatchSize: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private stopping = false;
  private crashed?: Error;

  constructor(private readonly options: IdempotentBatchConsumerOptions) {
    this.schema = assertIdentifier(options.schema);
    this.logger = options.logger ?? silentLogger;
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 200;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Set while the consumer is down after kafkajs gave up on it (a new one is being started). */
  get failure(): Error | undefined {
    return this.crashed;
  }

  /**
   * Starts consuming. A broker not ready yet (unreachable, group coordinator still loading) does not
   * fail the start: the consumer reports `failure` and keeps trying in the background.
   */
  async start(): Promise<void> {
    this.stopping = false;
    try {
      await this.connectProducer();
      await this.startConsumer();
    } catch (e) {
      this.crashed = e as Error;
      this.logger.warn('consumer could not start yet; retrying in the background', {
        group: this.options.groupId,
        error: (e as Error).message,
      });
      void this.restartAfterCrash(1);
    }
  }

  private async connectProducer(): Promise<void> {
    if (this.producer) return;
    const producer = this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    this.producer = producer;
  }

  private async startConsumer(): Promise<void> {
    const { kafka, settings, groupId } = this.options;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxBytes: this.options.maxBytes,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs,
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const err = e.payload.error;
      this.logger.error('consumer crashed', {
        group: groupId,
        error: err.message,
        restart: e.payload.restart,
      });
      // kafkajs restarts by itself only after retriable errors; after any other (a broker that
      // just started and whose group coordinator is still loading, a long outage) the consumer
      // stays stopped. We start a new one, with backoff, until it runs again.
      if (!e.payload.restart && consumer === this.consumer && !this.stopping) {
        this.crashed = err;
        void this.restartAfterCrash(1);
      }
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.handlers.keys()].map((t) => physicalTopic(settings, t)),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Replaces a consumer kafkajs gave up on; never rejects. */
  private async restartAfterCrash(attempt: number): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** (attempt - 1), 30_000)));
    if (this.stopping) return;
    try {
      await this.consumer?.disconnect().catch(() => undefined);
      await this.connectProducer();
      await this.startConsumer();
      this.crashed = undefined;
      this.logger.info('consumer restarted after a crash', { group: this.options.groupId, attempt });
    } catch (e) {
      this.logger.warn('consumer restart failed; trying again', {
        group: this.options.groupId,
        attempt,
        error: (e as Error).message,
      });
      if (!this.stopping) await this.restartAfterCrash(attempt + 1);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const topic = logicalTopic(this.options.settings, batch.topic);
    const handler = this.options.handlers.get(topic);
    if (!handler) return;
    for (let i = 0; i < batch.messages.length; i += this.maxBatchSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const chunk = batch.messages.slice(i, i + this.maxBatchSize);
      const started = process.hrtime.bigint();
      const pacemaker = setInterval(() => heartbeat().catch(() => undefined), 1000);
      try {
        await this.applyChunk(
          batch,
          topic,
          chunk,
          handler,
          heartbeat,
          () => !isRunning() || isStale() || this.stopping,
        );
      } catch (e) {
        if (e instanceof StoppedError) return;
        throw e;
      } finally {
        clearInterval(pacemaker);
      }
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      const next = (BigInt(last) + 1n).toString();
      await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      const labels = { topic, group: this.options.groupId };
      this.options.metrics?.batchDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      this.options.metrics?.consumerLag.set(
        { ...labels, partition: String(batch.partition) },
        Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))),
      );
      await heartbeat();
    }
  }

  private async applyChunk(
    batch: Batch,
    topic: string,
    chunk: KafkaMessage[],
    handler: BatchHandler,
    heartbeat: () => Promise<void>,
    shouldStop: () => boolean,
  ): Promise<void> {
    const valid: { message: KafkaMessage; event: ConsumedEvent }[] = [];
    for (const message of chunk) {
      try {
        const envelope = this.options.catalog.parse(message.value);
        valid.push({
          message,
          event: { envelope, topic, partition: batch.partition, offset: message.offset },
        });
      } catch (e) {
        await this.deadLetter(batch, topic, message, e, 0);
      }
    }
    if (valid.length > 0) await this.applyWithRetry(batch, topic, valid, handler, heartbeat, shouldStop);
  }

  private async applyWithRetry(
    batch: Batch,
    topic: string,
    items: { message: KafkaMessage; event: ConsumedEvent }[],
    handler: BatchHandler,
    heartbeat: () => Promise<void>,
    shouldStop: () => boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.applyOnce(
          topic,
          items.map((i) => i.event),
          handler,
        );
        return;
      } catch (e) {
        if (shouldStop()) throw new StoppedError();
        const unreachable = isConnectionError(e);
        const transient = unreachable || isTransientFailure(e);
        this.logger.warn('batch transaction failed', {
          topic,
          group: this.options.groupId,
          partition: batch.partition,
          events: items.length,
          attempt,
          transient,
          error: (e as Error).message,
        });
        if (transient) this.options.metrics?.transientRetries.inc({ topic, group: this.options.groupId });
        if (attempt >= this.maxAttempts && !unreachable && items.length > 1) {
          // Find the culprit: apply one by one, in order; only what keeps failing alone is poison.
          // A batch that keeps hitting a deadlock or a statement timeout is also split: smaller
          // transactions hold fewer locks for less time.
          for (const item of items)
            await this.applyWithRetry(batch, topic, [item], handler, heartbeat, shouldStop);
          return;
        }
        if (attempt >= this.maxAttempts && !transient) {
          await this.deadLetter(batch, topic, items[0].message, e, attempt);
          return;
        }
        await this.backoff(attempt, heartbeat, shouldStop);
      }
    }
  }

  /** One transaction: record the ids in the inbox, apply only the new ones. */
  private async applyOnce(topic: string, events: ConsumedEvent[], handler: BatchHandler): Promise<void> {
    const group = this.options.groupId;
    if (this.options.inbox === false) {
      const toApply = firstOfEach(events);
      await this.options.dataSource.transaction((manager) => handler(toApply, manager));
      this.options.metrics?.consumed.inc({ topic, group }, toApply.length);
      return;
    }
    await this.options.dataSource.transaction(async (manager) => {
      const inserted: { event_id: string }[] = await manager.query(
        `INSERT INTO "${this.schema}".inbox (consumer_group, event_id, topic, kafka_partition, kafka_offset)
         SELECT $1, e.id, $2, e.p, e.o FROM unnest($3::uuid[], $4::int[], $5::bigint[]) AS e(id, p, o)
         ON CONFLICT (consumer_group, event_id) DO NOTHING
         RETURNING event_id`,
        [
          group,
          topic,
          events.map((e) => e.envelope.eventId),
          events.map((e) => e.partition),
          events.map((e) => e.offset),
        ],
      );
      const fresh = new Set(inserted.map((r) => r.event_id));
      const toApply = firstOfEach(events, (id) => fresh.has(id));
      if (toApply.length > 0) await handler(toApply, manager);
      const dupes = events.length - toApply.length;
      if (dupes > 0) this.options.metrics?.duplicates.inc({ topic, group }, dupes);
      this.options.metrics?.consumed.inc({ topic, group }, toApply.length);
    });
  }

  private async deadLetter(
    batch: Batch,
    topic: string,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    await sendToDeadLetter(this.producer!, {
      sourceTopic: batch.topic,
      partition: batch.partition,
      message,
      group: this.options.groupId,
      error,
      attempts,
    });
    this.options.metrics?.deadLettered.inc({ topic, group: this.options.groupId });
    this.logger.error('message dead-lettered', {
      topic,
      group: this.options.groupId,
      partition: batch.partition,
      offset: message.offset,
      error: (error as Error)?.message,
    });
  }

  private async backoff(
    attempt: number,
    heartbeat: () => Promise<void>,
    shouldStop: () => boolean,
  ): Promise<void> {
    const delay = Math.min(this.retryBaseMs * 2 ** (attempt - 1), 10_000);
    const until = Date.now() + delay;
    while (Date.now() < until) {
      if (shouldStop()) throw new StoppedError();
      await heartbeat().catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
    }
  }
}
