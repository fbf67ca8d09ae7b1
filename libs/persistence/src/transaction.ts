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
