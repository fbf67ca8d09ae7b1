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
  /**
   * Largest message (key + value) handed to the broker; a larger row is set aside without trying.
   * Keep it at or below the broker's `message.max.bytes` (1 MiB by default).
   */
  maxMessageBytes?: number;
}

/**
 * Broker answers that refuse the message itself, whatever the retry: sending the same row again
 * fails the same way, so it is set aside rather than blocking every row behind it.
 */
const REFUSED_MESSAGE_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'UNSUPPORTED_COMPRESSION_TYPE',
]);

/** The broker's refusal of the message content, if that is what `error` (or its cause) is. */
export function messageRefusal(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown; message?: unknown } | undefined; e;) {
    if (typeof e.type === 'string' && REFUSED_MESSAGE_TYPES.has(e.type))
      return `${e.type}: ${String(e.message ?? '')}`.slice(0, 500);
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The backlog metric is an exact count up to this many pending rows (see `updateBacklog`). */
const BACKLOG_EXACT_UP_TO = 10_000;

interface OutboxRow {
  id: string;
  topic: string;
  event_key: string;
  event_type: string;
  envelope: string;
}

/**
 * Publishes committed outbox rows to Kafka in id order (= commit order per key), then deletes
 * them. One relay per schema is active at a time (a session advisory lock; a dead process releases
 * it with its connection). A crash between send and delete republishes the same event ids, which the
 * idempotent consumers skip. Kafka or Postgres being away only delays: rows wait in the outbox.
 * A row the broker will never take (larger than `maxMessageBytes`, or refused as too large or
 * invalid) is set aside with its reason (`set_aside_at`, `set_aside_reason`, metric
 * `messaging_outbox_set_aside`) instead of blocking every row behind it.
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxMessageBytes: number;
  private readonly logger: BackboneLogger;
  private running = false;
  private loop?: Promise<void>;
  private client?: Client;
  private leader = false;
  private producer?: Producer;
  private wake?: () => void;
  private lastBacklogAt = 0;
  private lastCleanupAt = 0;
  private lastSetAsideCountAt = 0;
  private healthy = true;
  /** A NOTIFY that arrived while publishing: the next sleep returns at once. */
  private notified = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = assertIdentifier(options.schema);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxMessageBytes = options.maxMessageBytes ?? 1_000_000;
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

  /**
   * What a NOTIFY on the schema's channel does, for a writer in this process that knows this relay
   * is the active one: publish now rather than at the next poll. Rows must be committed first.
   */
  wakeUp(): void {
    if (this.wake) this.wake();
    else this.notified = true;
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
      client.on('notification', () => this.wakeUp());
      await client.connect();
      this.client = client;
      // Published rows leave dead entries in the primary key until a vacuum. A bitmap scan (what
      // the planner picks, expecting few pending rows) visits every one of them on every poll and
      // never marks them: 99 ms and 15,700 heap blocks to find nothing after a 50,000-row feed. A
      // plain index scan marks each dead entry the first time it passes it, and the next poll
      // skips them (0.45 ms). Every statement of this connection reads the outbox by one of its
      // indexes; the planner, which never has statistics for the outbox, would otherwise sort a
      // sequential scan of the whole table for the pending rows, expecting five of them.
      await client.query('SET enable_bitmapscan = off');
      await client.query('SET enable_seqscan = off');
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
         FROM "${this.schema}".outbox o WHERE o.published_at IS NULL AND o.set_aside_at IS NULL
        ORDER BY o.id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const sendable: OutboxRow[] = [];
    for (const r of rows) {
      const bytes = Buffer.byteLength(r.envelope) + Buffer.byteLength(r.event_key);
      if (bytes > this.maxMessageBytes)
        await this.setAside(r, `message of ${bytes} bytes exceeds the ${this.maxMessageBytes}-byte limit`);
      else sendable.push(r);
    }
    try {
      await this.send(sendable);
      await this.deleteSent(sendable);
    } catch (e) {
      if (!messageRefusal(e)) throw e;
      // One of these rows is refused by the broker: send them one at a time, in order, to find it.
      await this.sendOneByOne(sendable);
    }
    await this.updateBacklog(rows.length < this.batchSize);
    return rows.length;
  }

  private message(r: OutboxRow): Message {
    return { key: r.event_key, value: r.envelope, headers: { 'event-type': r.event_type } };
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const topic = physicalTopic(this.options.settings, r.topic);
      const list = byTopic.get(topic) ?? [];
      list.push(this.message(r));
      byTopic.set(topic, list);
    }
    const producer = await this.getProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    for (const [topic, messages] of byTopic) this.options.metrics?.produced.inc({ topic }, messages.length);
  }

  /**
   * A published row is deleted, not marked: an UPDATE wrote a second ~1 KB version of every event
   * with new entries in three indexes (19.2 s of 100,000 rows' statement time); a DELETE only stamps
   * the row. The event itself stays in Kafka for the topic's retention.
   */
  private async deleteSent(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client!.query(`DELETE FROM "${this.schema}".outbox WHERE id = ANY($1::bigint[])`, [
      rows.map((r) => r.id),
    ]);
  }

  private async sendOneByOne(rows: OutboxRow[]): Promise<void> {
    const sent: OutboxRow[] = [];
    try {
      for (const r of rows) {
        try {
          await this.send([r]);
          sent.push(r);
        } catch (e) {
          const refusal = messageRefusal(e);
          if (!refusal) throw e;
          // A refused request may leave the idempotent producer's sequence out of step: start afresh.
          await this.closeProducer();
          await this.setAside(r, `refused by the broker: ${refusal}`);
        }
      }
    } finally {
      await this.deleteSent(sent);
    }
  }

  /** Takes a row the broker will never accept out of the queue, keeping it and the reason for ops. */
  private async setAside(r: OutboxRow, reason: string): Promise<void> {
    await this.client!.query(
      `UPDATE "${this.schema}".outbox SET set_aside_at = now(), set_aside_reason = $2 WHERE id = $1`,
      [r.id, reason],
    );
    this.options.metrics?.outboxSetAsideTotal.inc({ topic: physicalTopic(this.options.settings, r.topic) });
    this.lastSetAsideCountAt = 0; // counted again with the next backlog
    this.logger.error('outbox row set aside: the broker will not take it', {
      schema: this.schema,
      outboxId: r.id,
      eventType: r.event_type,
      reason,
    });
  }

  /**
   * The backlog metric, from an ordered read of the primary key only. The former `count(*) … WHERE
   * published_at IS NULL` was planned as a sequential scan once the table held many published rows:
   * 1 GB read per count in a 1,000,000-row feed, the relay's connection busy counting more than
   * publishing. Exact up to BACKLOG_EXACT_UP_TO pending rows (an ordered, limited read of the index);
   * above that, the span of the pending ids (an upper bound by the ids of rolled-back transactions,
   * which is all an alert on a growing backlog needs).
   */
  private async updateBacklog(force: boolean): Promise<void> {
    if (!this.options.metrics || !this.client) return;
    const now = Date.now();
    if (!force && now - this.lastBacklogAt < 5_000) return;
    this.lastBacklogAt = now;
    const r = await this.client.query<{ n: string; span: string | null }>(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM "${this.schema}".outbox
                 WHERE published_at IS NULL AND set_aside_at IS NULL ORDER BY id LIMIT $1) p)::text AS n,
              (SELECT (max(id) - min(id) + 1)::text FROM "${this.schema}".outbox
                 WHERE published_at IS NULL AND set_aside_at IS NULL) AS span`,
      [BACKLOG_EXACT_UP_TO + 1],
    );
    const exact = Number(r.rows[0].n);
    this.options.metrics.outboxBacklog.set(exact <= BACKLOG_EXACT_UP_TO ? exact : Number(r.rows[0].span));
    if (now - this.lastSetAsideCountAt >= 10 * 60_000) await this.countSetAside();
  }

  /**
   * Rows set aside are rare and change only here (`setAside`) or by an operator's UPDATE: counted
   * at start, after each setting aside, and every 10 minutes (the planner scanned the whole table
   * for this count when it ran with the backlog's).
   */
  private async countSetAside(): Promise<void> {
    if (!this.options.metrics || !this.client) return;
    this.lastSetAsideCountAt = Date.now();
    const r = await this.client.query<{ aside: string }>(
      `SELECT count(*)::text AS aside FROM "${this.schema}".outbox
        WHERE set_aside_at IS NOT NULL AND published_at IS NULL`,
    );
    this.options.metrics.outboxSetAside.set(Number(r.rows[0].aside));
  }

  /**
   * Rows a relay of an earlier version marked sent (`published_at`) instead of deleting: already in
   * Kafka, and in the way of every pending-row read until gone. Deleted as this relay starts and
   * every 10 minutes after (during a rolling deploy an old replica may still be the active relay).
   */
  private async maybeCleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanupAt < 10 * 60_000) return;
    this.lastCleanupAt = now;
    await this.client!.query(`DELETE FROM "${this.schema}".outbox WHERE published_at IS NOT NULL`);
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
    // start both afresh. Rows not deleted are sent again and deduplicated downstream.
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
