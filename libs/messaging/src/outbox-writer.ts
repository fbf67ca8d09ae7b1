import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventCatalog, EventEnvelope } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { assertIdentifier } from '@urrbmi/persistence';

export interface EventToPublish {
  type: string;
  version: number;
  payload: object;
  /** The request or batch this event belongs to; a new one is made when absent. */
  correlationId?: string;
  /** The event that caused this one, when it was caused by an event. */
  causationId?: string | null;
  eventId?: string;
  occurredAt?: Date;
}

/**
 * Advisory-lock buckets for per-key ordering (see `publish`): a statement that writes outbox rows
 * itself takes `pg_advisory_xact_lock(hashtext(schema), abs(hashtext(key) % KEY_LOCK_BUCKETS))` first.
 */
export const KEY_LOCK_BUCKETS = 512;

export function outboxChannel(schema: string): string {
  return `${assertIdentifier(schema)}_outbox`;
}

/**
 * Publishing = writing outbox rows inside the caller's transaction. Payloads are validated against
 * the catalog before anything is written, so an invalid event aborts the business change with it.
 */
export class OutboxWriter {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly producer: string,
    private readonly catalog: EventCatalog,
  ) {
    this.schema = assertIdentifier(schema);
  }

  /** Builds validated envelopes without writing them (used by `publish`, and by tests). */
  envelopes(events: EventToPublish[]): EventEnvelope<object>[] {
    return events.map((e) => {
      const { payload, key } = this.catalog.preparePayload(e.type, e.version, e.payload);
      return {
        eventId: e.eventId ?? randomUUID(),
        type: e.type,
        version: e.version,
        occurredAt: toShanghaiIso(e.occurredAt ?? new Date()),
        producer: this.producer,
        correlationId: e.correlationId ?? randomUUID(),
        causationId: e.causationId ?? null,
        key,
        payload: { ...payload },
      };
    });
  }

  /**
   * Writes the events to the outbox in `manager`'s transaction; they are published once it commits.
   * Transactions that publish for the same key are serialised on an advisory lock, so outbox ids
   * follow commit order per key and the relay keeps per-key order.
   */
  async publish(manager: EntityManager, events: EventToPublish[]): Promise<EventEnvelope<object>[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.publish must run inside a transaction');
    }
    if (events.length === 0) return [];
    const envelopes = this.envelopes(events);
    const keys = [...new Set(envelopes.map((e) => e.key))];
    // Locks are taken per bucket of keys, not per key: a transaction publishing for 100,000 people
    // must not need 100,000 lock slots (Postgres has max_locks_per_transaction x connections).
    // Same key, same bucket: same-key transactions still serialise. Sorted, so never a deadlock.
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtext($1), b) FROM (SELECT DISTINCT abs(hashtext(k) % $3) AS b FROM unnest($2::text[]) AS k) t ORDER BY b`,
      [this.schema, keys, KEY_LOCK_BUCKETS],
    );
    // The envelopes go as one JSON text per statement: a `jsonb[]` parameter made the driver escape
    // every envelope into an array literal (a second copy of each, and most of the CPU of encoding).
    // Chunked so one parameter stays a few MiB; the ordinality keeps outbox ids in the given order.
    const CHUNK = 5000;
    for (let i = 0; i < envelopes.length; i += CHUNK) {
      await manager.query(
        `INSERT INTO "${this.schema}".outbox (event_id, topic, event_key, event_type, envelope)
         SELECT (e->>'eventId')::uuid, e->>'type', e->>'key', (e->>'type') || '@' || (e->>'version'), e
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n`,
        [JSON.stringify(envelopes.slice(i, i + CHUNK))],
      );
    }
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), String(envelopes.length)]);
    return envelopes;
  }
}
