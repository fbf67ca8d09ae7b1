import { Client } from 'pg';
import { Kafka, Message, Producer } from 'kafkajs';
import { assertIdentifier } from '@urrbmi/persistence';
import { KafkaSettings, physicalTopic } from './kafka-settings';
import { MessagingMetrics } from './messaging-metrics';
import { outboxChannel } from './outbox-writer';
import { BackboneLogger, silentLogger } from './backbone-logger';

export interface OutboxRelayOptions {
  databaseUrl: string;
  schema: string;
  kafka: Kafka;
  settings: KafkaSettings;
  metrics?: MessagingMetrics;
  logger?: BackboneLogger;
  batchSize?: number;
  /** Polling fallback when no NOTIFY arrives (ms). */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted (hours). */
  retentionHours?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  event_key: string;
  event_type: string;
  envelope: string;
}

/**
 * Publishes committed outbox rows to Kafka in id order (= commit order per key), then marks them
 * sent. One relay per schema is active at a time (a session advisory lock; a dead process releases
 * it with its connection). A crash between send and mark republishes the same event ids, which the
 * idempotent consumers skip. Kafka or Postgres being away only delays: rows wait in the outbox.
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionHours: number;
  private readonly logger: BackboneLogger;
  private running = false;
  private loop?: Promise<void>;
  private client?: Client;
  private leader = false;
  private producer?: Producer;
  private wake?: () => void;
  private lastBacklogAt = 0;
  private lastCleanupAt = 0;
  private healthy = true;
  /** A NOTIFY that arrived while publishing: the next sleep returns at once. */
  private notified = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = assertIdentifier(options.schema);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retentionHours = options.retentionHours ?? 168;
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.closeProducer();
    await this.closeClient();
  }

  /** False while the last publish attempt failed (Kafka or database unreachable). */
  isHealthy(): boolean {
    return this.healthy;
  }

  isLeader(): boolean {
    return this.leader;
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        await this.connect();
        if (!this.leader) {
          await this.sleep(this.pollIntervalMs);
          continue;
        }
        const published = await this.publishBatch();
        this.healthy = true;
        backoff = 200;
        await this.maybeCleanup();
        if (published < this.batchSize) await this.sleep(published === 0 ? this.pollIntervalMs : 0);
      } catch (e) {
        this.healthy = false;
        this.options.metrics?.outboxPublishFailures.inc();
        this.logger.warn('outbox relay attempt failed; rows stay in the outbox', {
          schema: this.schema,
          error: (e as Error).message,
          retryInMs: backoff,
        });
        await this.recover(e);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private async connect(): Promise<void> {
    if (!this.client) {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: `${this.schema}-outbox-relay`,
      });
      client.on('error', (e) => this.logger.warn('outbox relay connection error', { error: e.message }));
      client.on('notification', () => (this.wake ? this.wake() : (this.notified = true)));
      await client.connect();
      this.client = client;
      await client.query(`LISTEN "${outboxChannel(this.schema)}"`);
    }
    if (!this.leader) {
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
        `outbox-relay:${this.schema}`,
      ]);
      this.leader = r.rows[0].ok;
      if (this.leader) this.logger.info('outbox relay is active', { schema: this.schema });
    }
  }

  private async publishBatch(): Promise<number> {
    const client = this.client!;
    await this.updateBacklog(false);
    const { rows } = await client.query<OutboxRow>(
      // ORDER BY o.id, not id: a bare name would sort by the text output column ('10' < '9').
      `SELECT o.id::text AS id, o.topic, o.event_key, o.event_type, o.envelope::text AS envelope
         FROM "${this.schema}".outbox o WHERE o.published_at IS NULL ORDER BY o.id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const topic = physicalTopic(this.options.settings, r.topic);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: r.event_key, value: r.envelope, headers: { 'event-type': r.event_type } });
      byTopic.set(topic, list);
    }
    const producer = await this.getProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    await client.query(
      `UPDATE "${this.schema}".outbox SET published_at = now() WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    for (const [topic, messages] of byTopic) this.options.metrics?.produced.inc({ topic }, messages.length);
    await this.updateBacklog(rows.length < this.batchSize);
    return rows.length;
  }

  private async updateBacklog(force: boolean): Promise<void> {
    if (!this.options.metrics || !this.client) return;
    const now = Date.now();
    if (!force && now - this.lastBacklogAt < 1000) return;
    this.lastBacklogAt = now;
    const r = await this.client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "${this.schema}".outbox WHERE published_at IS NULL`,
    );
    this.options.metrics.outboxBacklog.set(Number(r.rows[0].n));
  }

  private async maybeCleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanupAt < 10 * 60_000) return;
    this.lastCleanupAt = now;
    await this.client!.query(
      `DELETE FROM "${this.schema}".outbox WHERE published_at < now() - make_interval(hours => $1)`,
      [this.retentionHours],
    );
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      // kafkajs' idempotent producer keeps order and avoids broker-side duplicates only with one request in flight.
      const producer = this.options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async recover(error: unknown): Promise<void> {
    const msg = (error as Error).message ?? '';
    // Any failure may have left the producer's sequence state or the connection unusable:
    // start both afresh. Rows not marked sent are sent again and deduplicated downstream.
    await this.closeProducer();
    if (!this.client || /connection|terminat|ECONN|closed/i.test(msg)) await this.closeClient();
  }

  private async closeProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }

  private async closeClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.leader = false;
    await c?.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running || this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
