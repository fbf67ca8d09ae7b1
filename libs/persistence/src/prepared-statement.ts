import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Runs `text` as the named prepared statement `name` on a connection of the data source's pool,
 * outside any transaction (the statement is its own). Each connection parses and plans it once, then
 * only binds and executes it; TypeORM's `query` sends an unnamed statement that Postgres parses and
 * plans on every call, which for a large statement costs more than running it. For statements run
 * at a high rate on a hot path; `name` must stay with one text for the life of the process.
 */
export async function runPrepared<R>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  // TypeORM's Postgres driver keeps its pg pool as `master` (there is no replication set up here).
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const result = await pool.query({ name, text, values });
  return result.rows as R[];
}
