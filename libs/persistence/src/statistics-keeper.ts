import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { assertIdentifier } from './database-url';

/**
 * A table is analysed again once this share of its rows changed since the last ANALYZE (or at least
 * `MIN_CHANGED_ROWS` rows): a table that doubles in a feed gets new statistics a few times on the
 * way, each pass sampling at most 30,000 rows, so the cost grows with the logarithm of its size.
 */
const CHANGED_SHARE = 0.5;
const MIN_CHANGED_ROWS = 1000;

/**
 * Tables only ever read by key or by a partial index (the messaging library's outbox and inbox):
 * their statistics change no plan, and their JSON envelopes make sampling them the costliest.
 */
const NEVER_ANALYSED = ['outbox', 'inbox'];

export interface StatisticsKeeperLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface StatisticsKeeperOptions {
  dataSource: DataSource;
  schema: string;
  /** How often to look (ms); 0 turns the keeper off. */
  intervalMs: number;
  logger?: StatisticsKeeperLog;
}

/**
 * Keeps the planner's statistics of this service's tables current, as autovacuum would, for
 * databases where it does not (turned off, or behind during a feed that grows a table tenfold in
 * minutes). The consumers look rows up with `= ANY($1)` over arrays of a few hundred keys; without
 * statistics Postgres guesses that such a list matches most of the table and scans all of it, so
 * every batch cost more the more rows the season already held (measured: four of the busiest
 * statements of a 100,000-row feed read the whole table per batch; at 1,000,000 rows the feed
 * slowed from 850 to 340 events/s). ANALYZE is idempotent and short; one replica at a time runs a
 * pass (a session advisory lock, given up with the connection if the process dies). Tables the
 * service's role does not own (a deployment that migrates with another role) are left to the DBA.
 */
export class StatisticsKeeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;
  private readonly schema: string;

  constructor(private readonly options: StatisticsKeeperOptions) {
    this.schema = assertIdentifier(options.schema);
  }

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns the tables analysed. Never rejects: a failure is logged and retried next time. */
  runOnce(): Promise<string[]> {
    this.running ??= this.pass()
      .catch((e: unknown) => {
        this.options.logger?.warn('statistics pass failed; retried at the next interval', {
          schema: this.schema,
          error: (e as Error).message,
        });
        return [];
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<string[]> {
    // TypeORM's Postgres driver keeps its pg pool as `master`; a session lock needs one connection.
    const pool = (this.options.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    const key = `statistics-keeper:${this.schema}`;
    try {
      const [{ got }] = (await client.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS got`, [key])).rows;
      if (!got) return [];
      try {
        const { rows } = await client.query<{ t: string }>(
          `SELECT s.relname AS t FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname = $1 AND NOT (s.relname = ANY($2::text[]))
              AND pg_has_role(c.relowner, 'USAGE')
              AND s.n_mod_since_analyze > GREATEST($3::float8, $4::float8 * GREATEST(s.n_live_tup, c.reltuples, 0))
            ORDER BY s.relname`,
          [this.schema, NEVER_ANALYSED, MIN_CHANGED_ROWS, CHANGED_SHARE],
        );
        const started = Date.now();
        for (const { t } of rows) await client.query(`ANALYZE "${this.schema}"."${assertIdentifier(t)}"`);
        if (rows.length > 0)
          this.options.logger?.info('table statistics refreshed', {
            schema: this.schema,
            tables: rows.map((r) => r.t),
            ms: Date.now() - started,
          });
        return rows.map((r) => r.t);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]);
      }
    } finally {
      client.release();
    }
  }
}
