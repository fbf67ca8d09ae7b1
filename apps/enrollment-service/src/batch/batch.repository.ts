import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AreaScope, Clock } from '@urrbmi/platform';

export type BatchType = 'REGISTRATIONS' | 'DEATHS';
export type BatchStatus = 'RECEIVED' | 'PROCESSING' | 'DONE' | 'FAILED';

export interface BatchRecord {
  id: string;
  sha256: string;
  batchType: BatchType;
  fileName: string | null;
  contentType: string;
  sizeBytes: number;
  storagePath: string;
  status: BatchStatus;
  submittedBy: string;
  submitterRole: string;
  submittedAt: Date;
  processedLines: number;
  accepted: number;
  rejected: number;
  error: string | null;
  finishedAt: Date | null;
  /** Set aside after crashing the service (see FileJobRunner): never resumed, not even by a re-upload. */
  setAsideAt: Date | null;
  /** The raw file was deleted after its retention. */
  rawDeletedAt: Date | null;
}

export interface RejectRow {
  line: number;
  idNumber: string | null;
  code: string;
  message: string;
}

const COLUMNS = `id, sha256, batch_type, file_name, content_type, size_bytes, storage_path, status, submitted_by, submitted_at,
  processed_lines, accepted, rejected, error, finished_at, set_aside_at, raw_deleted_at`;

function toRecord(r: Record<string, unknown>): BatchRecord {
  const [holder, role] = String(r.submitted_by).split('|');
  return {
    id: r.id as string,
    sha256: r.sha256 as string,
    batchType: r.batch_type as BatchType,
    fileName: (r.file_name as string) ?? null,
    contentType: r.content_type as string,
    sizeBytes: Number(r.size_bytes),
    storagePath: r.storage_path as string,
    status: r.status as BatchStatus,
    submittedBy: holder,
    submitterRole: role,
    submittedAt: r.submitted_at as Date,
    processedLines: r.processed_lines as number,
    accepted: r.accepted as number,
    rejected: r.rejected as number,
    error: (r.error as string) ?? null,
    finishedAt: (r.finished_at as Date) ?? null,
    setAsideAt: (r.set_aside_at as Date) ?? null,
    rawDeletedAt: (r.raw_deleted_at as Date) ?? null,
  };
}

@Injectable()
export class BatchRepository {
  /** Submitted and finished times come from the service clock, not the database's. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates the batch unless the same content of the same type exists in the submitter's area (a
   * township's own batches, or the county-wide ones); returns the one that stands.
   */
  async createOrFind(
    b: Omit<
      BatchRecord,
      | 'status'
      | 'submittedAt'
      | 'processedLines'
      | 'accepted'
      | 'rejected'
      | 'error'
      | 'finishedAt'
      | 'setAsideAt'
      | 'rawDeletedAt'
    >,
  ): Promise<{ created: boolean; batch: BatchRecord }> {
    const area = AreaScope.ofRole(b.submitterRole).dedupKey;
    const inserted = await this.dataSource.query(
      `INSERT INTO enrollment.batches (id, sha256, batch_type, file_name, content_type, size_bytes, storage_path, status, submitted_by, submitted_at, area)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'RECEIVED', $8, $9, $10)
       ON CONFLICT (batch_type, sha256, area) DO NOTHING RETURNING ${COLUMNS}`,
      [
        b.id,
        b.sha256,
        b.batchType,
        b.fileName,
        b.contentType,
        b.sizeBytes,
        b.storagePath,
        `${b.submittedBy}|${b.submitterRole}`,
        this.clock.now(),
        area,
      ],
    );
    if (inserted.length > 0) return { created: true, batch: toRecord(inserted[0]) };
    const [existing] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM enrollment.batches WHERE batch_type = $1 AND sha256 = $2 AND area = $3`,
      [b.batchType, b.sha256, area],
    );
    return { created: false, batch: toRecord(existing) };
  }

  /** A batch, when it lies in the scope: a township sees the batches it sent, nothing else. */
  async find(id: string, scope: AreaScope = AreaScope.ALL): Promise<BatchRecord | undefined> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM enrollment.batches WHERE id = $1 AND ($2::text IS NULL OR area = $2)`,
      [id, scope.sqlTownship],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Puts a FAILED batch back to PROCESSING (checkpoint kept) with the file just uploaded again;
   * returns it, or undefined when it was not FAILED or was set aside.
   */
  async reopen(id: string, storagePath: string): Promise<BatchRecord | undefined> {
    const rows = await this.dataSource.query(
      // Through a CTE: an UPDATE's RETURNING comes back from TypeORM as [rows, count], a SELECT as rows.
      `WITH reopened AS (
         UPDATE enrollment.batches SET status = 'PROCESSING', error = NULL, finished_at = NULL, storage_path = $2,
                attempts = 0, attempt_from_line = NULL, raw_deleted_at = NULL
          WHERE id = $1 AND status = 'FAILED' AND set_aside_at IS NULL RETURNING *)
       SELECT ${COLUMNS} FROM reopened`,
      [id, storagePath],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async unfinished(): Promise<BatchRecord[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM enrollment.batches WHERE status IN ('RECEIVED', 'PROCESSING') ORDER BY submitted_at`,
    );
    return rows.map(toRecord);
  }

  async setStatus(id: string, status: BatchStatus, error: string | null = null): Promise<void> {
    await this.dataSource.query(
      `UPDATE enrollment.batches SET status = $2, error = $3, finished_at = CASE WHEN $2 IN ('DONE', 'FAILED') THEN $4::timestamptz ELSE finished_at END WHERE id = $1`,
      [id, status, error, this.clock.now()],
    );
  }

  /** DONE, in the transaction of the batch's last chunk. */
  async complete(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE enrollment.batches SET status = 'DONE', finished_at = $2 WHERE id = $1`, [
      id,
      this.clock.now(),
    ]);
  }

  /** Records a chunk's rejects and moves the checkpoint, in the chunk's transaction. */
  async checkpoint(
    m: EntityManager,
    id: string,
    lastLine: number,
    accepted: number,
    rejects: RejectRow[],
  ): Promise<void> {
    if (rejects.length > 0) {
      await m.query(
        `INSERT INTO enrollment.batch_rejects (batch_id, line_no, id_number, code, message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
        [
          id,
          rejects.map((r) => r.line),
          rejects.map((r) => r.idNumber),
          rejects.map((r) => r.code),
          rejects.map((r) => r.message),
        ],
      );
    }
    await m.query(
      `UPDATE enrollment.batches SET processed_lines = $2, accepted = accepted + $3, rejected = rejected + $4, status = 'PROCESSING' WHERE id = $1`,
      [id, lastLine, accepted, rejects.length],
    );
  }

  async rejects(id: string, afterLine: number, limit: number): Promise<RejectRow[]> {
    const rows: { line_no: number; id_number: string | null; code: string; message: string }[] =
      await this.dataSource.query(
        `SELECT line_no, id_number, code, message FROM enrollment.batch_rejects WHERE batch_id = $1 AND line_no > $2 ORDER BY line_no LIMIT $3`,
        [id, afterLine, limit],
      );
    return rows.map((r) => ({ line: r.line_no, idNumber: r.id_number, code: r.code, message: r.message }));
  }
}
