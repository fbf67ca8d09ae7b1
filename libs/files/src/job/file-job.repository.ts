import { DataSource } from 'typeorm';

function checked(table: string): string {
  if (!/^[a-z_]+\.[a-z_]+$/.test(table)) throw new Error(`not a schema-qualified table: ${table}`);
  return table;
}

/** Statuses of a job still to be worked on; every other status is final (until a re-upload). */
const UNFINISHED = `('RECEIVED', 'PROCESSING')`;

/**
 * The SQL `FileJobRunner` needs on a service's work table (see `fileJobColumnsSql`). The rows and
 * their meaning stay the service's (its own repository reads and checkpoints them); this only counts
 * attempts, sets files aside and forgets raw files past their retention.
 */
export class FileJobRepository {
  readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    table: string,
  ) {
    this.table = checked(table);
  }

  /**
   * Counts a start on the job: attempts since its checkpoint last moved (a start after progress
   * counts as the first). Returns that count and the checkpoint.
   */
  async startAttempt(id: string): Promise<{ attempts: number; processedLines: number } | undefined> {
    const rows: { attempts: number; processed_lines: number }[] = await this.dataSource.query(
      `WITH started AS (
         UPDATE ${this.table}
            SET attempts = CASE WHEN attempt_from_line = processed_lines THEN attempts + 1 ELSE 1 END,
                attempt_from_line = processed_lines
          WHERE id = $1 AND status IN ${UNFINISHED} RETURNING attempts, processed_lines)
       SELECT attempts, processed_lines FROM started`,
      [id],
    );
    return rows[0] ? { attempts: rows[0].attempts, processedLines: rows[0].processed_lines } : undefined;
  }

  /** Sets the job aside: FAILED with the reason, never resumed at start-up nor by a re-upload. */
  async setAside(id: string, reason: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'FAILED', error = $2, set_aside_at = $3, finished_at = $3
        WHERE id = $1 AND status IN ${UNFINISHED}`,
      [id, reason, at],
    );
  }

  /**
   * Finished jobs (any final status) older than `cutoff` whose raw file is still kept, unless another
   * job of the same table keeps the same file and is unfinished or within its retention (the same
   * bytes uploaded again; rosters of two dates with the same bytes share one file). A job that
   * recorded no file (rows from before the table ran file jobs) has none to delete.
   */
  async rawFilesPast(cutoff: Date, limit: number): Promise<{ id: string; storagePath: string }[]> {
    const rows: { id: string; storage_path: string }[] = await this.dataSource.query(
      `SELECT id, storage_path FROM ${this.table} t
        WHERE finished_at < $1 AND raw_deleted_at IS NULL AND storage_path IS NOT NULL AND status NOT IN ${UNFINISHED}
          AND NOT EXISTS (SELECT 1 FROM ${this.table} o WHERE o.storage_path = t.storage_path AND o.raw_deleted_at IS NULL
                             AND (o.status IN ${UNFINISHED} OR o.finished_at >= $1))
        ORDER BY finished_at LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((r) => ({ id: r.id, storagePath: r.storage_path }));
  }

  async markRawDeleted(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(`UPDATE ${this.table} SET raw_deleted_at = $2 WHERE id = ANY($1::uuid[])`, [
      ids,
      at,
    ]);
  }
}
