import { DataSource, EntityManager } from 'typeorm';

/** Runs `work` in one transaction; everything it writes commits together or not at all. */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(work);
}

/** True for errors that mean "the database could not be reached", as opposed to a bad statement. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const code = e.code ?? '';
  // 08xxx connection exceptions, 57P0x admin shutdown / cannot connect now, 53300 too many connections
  if (/^08/.test(code) || /^57P0/.test(code) || code === '53300') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e.message ?? '',
  );
}

/** Another worker moved a shared checkpoint first: this one stops, that one carries on. */
export class CheckpointMovedError extends Error {
  constructor(what: string) {
    super(`${what} was advanced by another worker`);
    this.name = 'CheckpointMovedError';
  }
}

/**
 * Locks a work item's checkpoint row for the current transaction and checks it is where this worker
 * left it. Two service instances resuming the same batch then take turns chunk by chunk: the second
 * waits for the first's commit, sees the checkpoint moved, and stops without applying anything.
 */
export async function claimCheckpoint(
  m: EntityManager,
  table: string,
  id: string,
  expected: number,
): Promise<void> {
  if (!/^[a-z_]+\.[a-z_]+$/.test(table)) throw new Error(`not a schema-qualified table: ${table}`);
  const rows: { processed_lines: number; status: string }[] = await m.query(
    `SELECT processed_lines, status FROM ${table} WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (
    !rows[0] ||
    rows[0].processed_lines !== expected ||
    !['PROCESSING', 'RECEIVED'].includes(rows[0].status)
  )
    throw new CheckpointMovedError(`${table} ${id}`);
}
