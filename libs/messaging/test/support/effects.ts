import { DataSource, EntityManager } from 'typeorm';
import { BatchHandler, ConsumedEvent } from '../../src/idempotent-batch-consumer';
import { CountedV1 } from './counted-event';

/** The handler under test: one INSERT for the whole batch. */
export function recordEffects(schema: string): BatchHandler {
  return async (events: ConsumedEvent[], manager: EntityManager) => {
    const ps = events.map((e) => e.envelope.payload as CountedV1);
    await manager.query(
      `INSERT INTO "${schema}".effects (event_id, event_key, n) SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])`,
      [events.map((e) => e.envelope.eventId), ps.map((p) => p.key), ps.map((p) => p.n)],
    );
  };
}

export async function effectCounts(
  ds: DataSource,
  schema: string,
): Promise<{ rows: number; distinct: number }> {
  const [r] = await ds.query(
    `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM "${schema}".effects`,
  );
  return r;
}

/** Keys whose effects are not in increasing n order (empty when per-key order held). */
export async function keysOutOfOrder(ds: DataSource, schema: string): Promise<string[]> {
  const rows: { event_key: string; ns: number[] }[] = await ds.query(
    `SELECT event_key, array_agg(n ORDER BY seq) AS ns FROM "${schema}".effects GROUP BY event_key`,
  );
  return rows.filter((r) => r.ns.some((n, i) => i > 0 && n <= r.ns[i - 1])).map((r) => r.event_key);
}

export async function pendingOutbox(ds: DataSource, schema: string): Promise<number> {
  const [r] = await ds.query(`SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL`);
  return r.n;
}
