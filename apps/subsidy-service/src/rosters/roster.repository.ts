import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, DomainError } from '@urrbmi/platform';
import { RosterReject, RosterRow } from './roster-row';

export type RosterStatus = 'PROCESSING' | 'STAGED' | 'APPROVED' | 'REJECTED' | 'FAILED';

export interface RosterUpload {
  id: string;
  source: string;
  asOf: string;
  sha256: string;
  status: RosterStatus;
  uploadedBy: string;
  uploadedRole: string;
  uploadedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  rowsRead: number;
  rowsStaged: number;
  rowsRejected: number;
  summary: RosterSummary | null;
  /** The regions this snapshot is of: people of the source certified elsewhere are never touched. */
  regionCodes: string[];
  warnings: RosterWarning[];
  /** `X-Region-Code` of the upload: rows certified elsewhere are rejected `OTHER_REGION`. */
  snapshotRegion: string | null;
  /** The stored raw file (empty for uploads staged before the file job, until start-up adopts them). */
  storagePath: string;
  contentType: string;
  sizeBytes: number;
  /** The checkpoint: the last line whose rows are staged. */
  processedLines: number;
  /** Why it FAILED; a refusal at the end of staging (`REGION_REQUIRED`, `OLDER_SNAPSHOT`) keeps its code. */
  error: string | null;
  errorCode: string | null;
  errorDetails: unknown;
  finishedAt: Date | null;
  /** Set aside after crashing the service (see FileJobRunner): never resumed, not even by a re-upload. */
  setAsideAt: Date | null;
  rawDeletedAt: Date | null;
}

/** Something approving the snapshot would not do that its sender may expect (it is still staged). */
export interface RosterWarning {
  code: 'CATEGORY_NOT_SUBSIDISED' | 'NO_POLICY_FOR_REGION';
  regionCode: string;
  category?: string;
  policyId?: string;
  rows: number;
  message: string;
}

export interface RosterSummary {
  /** Per category: people who gain it, people who lose it. */
  byCategory: Record<string, { added: number; removed: number }>;
  peopleAdded: number;
  peopleRemoved: number;
  peopleCategoryChanged: number;
}

/** The uploader, file and header region of a roster job. */
export type RosterJobInput = Pick<
  RosterUpload,
  | 'id'
  | 'source'
  | 'asOf'
  | 'sha256'
  | 'uploadedBy'
  | 'uploadedRole'
  | 'snapshotRegion'
  | 'storagePath'
  | 'contentType'
  | 'sizeBytes'
>;

const COLUMNS = `id, source, to_char(as_of, 'YYYY-MM-DD') AS as_of, sha256, status, uploaded_by, uploaded_role, uploaded_at, decided_by, decided_at,
  decision_note, rows_read, rows_staged, rows_rejected, summary, region_codes, warnings, snapshot_region, storage_path, content_type,
  size_bytes, processed_lines, error, error_code, error_details, finished_at, set_aside_at, raw_deleted_at`;

/** A `subsidy.roster_uploads` row as COLUMNS reads it. */
interface RosterUploadRow {
  id: string;
  source: string;
  as_of: string;
  sha256: string;
  status: RosterStatus;
  uploaded_by: string;
  uploaded_role: string;
  uploaded_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  rows_read: number;
  rows_staged: number;
  rows_rejected: number;
  summary: RosterSummary | null;
  region_codes: string[] | null;
  warnings: RosterWarning[] | null;
  snapshot_region: string | null;
  storage_path: string | null;
  content_type: string | null;
  size_bytes: string | null;
  processed_lines: number;
  error: string | null;
  error_code: string | null;
  error_details: unknown;
  finished_at: Date | null;
  set_aside_at: Date | null;
  raw_deleted_at: Date | null;
}

function toUpload(r: RosterUploadRow): RosterUpload {
  return {
    id: r.id,
    source: r.source,
    asOf: r.as_of,
    sha256: r.sha256,
    status: r.status,
    uploadedBy: r.uploaded_by,
    uploadedRole: r.uploaded_role,
    uploadedAt: r.uploaded_at,
    decidedBy: r.decided_by ?? null,
    decidedAt: r.decided_at ?? null,
    decisionNote: r.decision_note ?? null,
    rowsRead: r.rows_read,
    rowsStaged: r.rows_staged,
    rowsRejected: r.rows_rejected,
    summary: r.summary ?? null,
    regionCodes: r.region_codes ?? [],
    warnings: r.warnings ?? [],
    snapshotRegion: r.snapshot_region ?? null,
    storagePath: r.storage_path ?? '',
    contentType: r.content_type ?? '',
    sizeBytes: Number(r.size_bytes ?? 0),
    processedLines: r.processed_lines,
    error: r.error ?? null,
    errorCode: r.error_code ?? null,
    errorDetails: r.error_details ?? undefined,
    finishedAt: r.finished_at ?? null,
    setAsideAt: r.set_aside_at ?? null,
    rawDeletedAt: r.raw_deleted_at ?? null,
  };
}

/** All SQL of roster snapshots and identity periods. */
@Injectable()
export class RosterRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async find(
    id: string,
    m: EntityManager | DataSource = this.dataSource,
    lock = false,
  ): Promise<RosterUpload | undefined> {
    const rows: RosterUploadRow[] = await m.query(
      `SELECT ${COLUMNS} FROM subsidy.roster_uploads WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toUpload(rows[0]) : undefined;
  }

  async findByContent(source: string, asOf: string, sha256: string): Promise<RosterUpload | undefined> {
    const rows: RosterUploadRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM subsidy.roster_uploads WHERE source = $1 AND as_of = $2 AND sha256 = $3`,
      [source, asOf, sha256],
    );
    return rows[0] ? toUpload(rows[0]) : undefined;
  }

  /** A new roster job, PROCESSING from its first line; undefined when the same roster is there already. */
  async create(u: RosterJobInput): Promise<RosterUpload | undefined> {
    const rows: RosterUploadRow[] = await this.dataSource.query(
      `INSERT INTO subsidy.roster_uploads (id, source, as_of, sha256, status, uploaded_by, uploaded_role, uploaded_at,
                                          snapshot_region, storage_path, content_type, size_bytes)
       VALUES ($1, $2, $3, $4, 'PROCESSING', $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (source, as_of, sha256) DO NOTHING RETURNING ${COLUMNS}`,
      [
        u.id,
        u.source,
        u.asOf,
        u.sha256,
        u.uploadedBy,
        u.uploadedRole,
        this.clock.now(),
        u.snapshotRegion,
        u.storagePath,
        u.contentType,
        u.sizeBytes,
      ],
    );
    return rows[0] ? toUpload(rows[0]) : undefined;
  }

  /**
   * Puts a FAILED upload back to PROCESSING with the file and uploader of its re-upload; undefined
   * when it is not FAILED (someone else reopened it) or was set aside. It resumes from its
   * checkpoint, unless the re-upload names another region: its rows were checked against the old
   * one, so it starts again from the first line.
   */
  async reopen(
    m: EntityManager,
    id: string,
    again: Pick<RosterJobInput, 'snapshotRegion' | 'storagePath' | 'uploadedBy' | 'uploadedRole'>,
  ): Promise<RosterUpload | undefined> {
    const [failed]: { snapshot_region: string | null }[] = await m.query(
      `SELECT snapshot_region FROM subsidy.roster_uploads WHERE id = $1 AND status = 'FAILED' AND set_aside_at IS NULL FOR UPDATE`,
      [id],
    );
    if (!failed) return undefined;
    const restart = (failed.snapshot_region ?? null) !== (again.snapshotRegion ?? null);
    if (restart) {
      await m.query(`DELETE FROM subsidy.roster_rejects WHERE upload_id = $1`, [id]);
      await m.query(`DELETE FROM subsidy.roster_rows WHERE upload_id = $1`, [id]);
    }
    await m.query(
      `UPDATE subsidy.roster_uploads
          SET status = 'PROCESSING', error = NULL, error_code = NULL, error_details = NULL, finished_at = NULL,
              storage_path = $2, snapshot_region = $3, uploaded_by = $4, uploaded_role = $5,
              attempts = 0, attempt_from_line = NULL, raw_deleted_at = NULL
        WHERE id = $1`,
      [id, again.storagePath, again.snapshotRegion, again.uploadedBy, again.uploadedRole],
    );
    if (restart)
      await m.query(
        `UPDATE subsidy.roster_uploads SET processed_lines = 0, rows_read = 0, rows_staged = 0, rows_rejected = 0 WHERE id = $1`,
        [id],
      );
    return this.find(id, m);
  }

  /** Whether an upload keeps this file as its raw file (the same bytes under another date share it). */
  async rawFileInUse(storagePath: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM subsidy.roster_uploads WHERE storage_path = $1 AND raw_deleted_at IS NULL LIMIT 1`,
      [storagePath],
    );
    return rows.length > 0;
  }

  /** Uploads left PROCESSING (by a crash, a stop, a database gone away), oldest first. */
  async unfinished(): Promise<RosterUpload[]> {
    const rows: RosterUploadRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM subsidy.roster_uploads WHERE status = 'PROCESSING' ORDER BY uploaded_at`,
    );
    return rows.map(toUpload);
  }

  /**
   * Uploads staged before rosters ran on the file job recorded no raw file; theirs is the one the
   * upload store named by its SHA-256 in `dir`, so the retention sweep can delete it in time.
   */
  async adoptLegacyRawFiles(dir: string): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE subsidy.roster_uploads SET storage_path = rtrim($1, '/') || '/' || sha256 || '.upload'
        WHERE storage_path IS NULL`,
      [dir],
    );
    return count;
  }

  /** Stages rows; a person and category already staged in this upload is returned as a duplicate line. */
  async stage(m: EntityManager, uploadId: string, rows: RosterRow[]): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    const inserted: { line_no: number }[] = await m.query(
      `INSERT INTO subsidy.roster_rows (upload_id, id_number, name, category, certified_region_code, valid_from, valid_to, line_no)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::int[])
       ON CONFLICT (upload_id, id_number, category) DO NOTHING RETURNING line_no`,
      [
        uploadId,
        rows.map((r) => r.idNumber),
        rows.map((r) => r.name),
        rows.map((r) => r.category),
        rows.map((r) => r.certifiedRegionCode),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validTo),
        rows.map((r) => r.line),
      ],
    );
    return new Set(inserted.map((r) => r.line_no));
  }

  async addRejects(m: EntityManager, uploadId: string, rejects: RosterReject[]): Promise<void> {
    if (rejects.length === 0) return;
    await m.query(
      `INSERT INTO subsidy.roster_rejects (upload_id, line_no, id_number, code, message) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
      [
        uploadId,
        rejects.map((r) => r.line),
        rejects.map((r) => r.idNumber),
        rejects.map((r) => r.code),
        rejects.map((r) => r.message),
      ],
    );
  }

  async rejects(
    uploadId: string,
    limit: number,
  ): Promise<{ line: number; idNumber: string | null; code: string; message: string }[]> {
    const rows: { line_no: number; id_number: string | null; code: string; message: string }[] =
      await this.dataSource.query(
        `SELECT line_no, id_number, code, message FROM subsidy.roster_rejects WHERE upload_id = $1 ORDER BY line_no LIMIT $2`,
        [uploadId, limit],
      );
    return rows.map((r) => ({ line: r.line_no, idNumber: r.id_number, code: r.code, message: r.message }));
  }

  /** What approving the upload would change, against the source's open identity periods. */
  async summarise(
    m: EntityManager,
    uploadId: string,
    source: string,
    regionCodes: string[],
  ): Promise<RosterSummary> {
    const perCategory: { category: string; added: number; removed: number }[] = await m.query(
      `WITH staged AS (SELECT id_number, category, certified_region_code FROM subsidy.roster_rows WHERE upload_id = $1),
            open AS (SELECT id_number, category, certified_region_code FROM subsidy.identities
                      WHERE source = $2 AND closed_by IS NULL AND certified_region_code = ANY($3::text[])),
            added AS (SELECT category FROM staged EXCEPT ALL SELECT category FROM staged s WHERE EXISTS (SELECT 1 FROM open o WHERE o.id_number = s.id_number AND o.category = s.category AND o.certified_region_code = s.certified_region_code)),
            removed AS (SELECT o.category FROM open o WHERE NOT EXISTS (SELECT 1 FROM staged s WHERE s.id_number = o.id_number AND s.category = o.category AND s.certified_region_code = o.certified_region_code))
       SELECT category, sum(a)::int AS added, sum(r)::int AS removed FROM (
         SELECT category, 1 AS a, 0 AS r FROM added UNION ALL SELECT category, 0, 1 FROM removed) x GROUP BY category ORDER BY category`,
      [uploadId, source, regionCodes],
    );
    const [people]: { added: number; removed: number; changed: number }[] = await m.query(
      `WITH staged AS (SELECT DISTINCT id_number FROM subsidy.roster_rows WHERE upload_id = $1),
            open AS (SELECT DISTINCT id_number FROM subsidy.identities WHERE source = $2 AND closed_by IS NULL AND certified_region_code = ANY($3::text[])),
            scat AS (SELECT id_number, string_agg(category || '@' || certified_region_code, ',' ORDER BY category) AS c FROM subsidy.roster_rows WHERE upload_id = $1 GROUP BY 1),
            ocat AS (SELECT id_number, string_agg(category || '@' || certified_region_code, ',' ORDER BY category) AS c FROM subsidy.identities
                      WHERE source = $2 AND closed_by IS NULL AND certified_region_code = ANY($3::text[]) GROUP BY 1)
       SELECT (SELECT count(*) FROM staged s WHERE NOT EXISTS (SELECT 1 FROM open o WHERE o.id_number = s.id_number))::int AS added,
              (SELECT count(*) FROM open o WHERE NOT EXISTS (SELECT 1 FROM staged s WHERE s.id_number = o.id_number))::int AS removed,
              (SELECT count(*) FROM scat JOIN ocat USING (id_number) WHERE scat.c <> ocat.c)::int AS changed`,
      [uploadId, source, regionCodes],
    );
    return {
      byCategory: Object.fromEntries(
        perCategory.map((c) => [c.category, { added: c.added, removed: c.removed }]),
      ),
      peopleAdded: people.added,
      peopleRemoved: people.removed,
      peopleCategoryChanged: people.changed,
    };
  }

  /** Moves the checkpoint past a chunk, with its counts, in the chunk's transaction. */
  async checkpoint(
    m: EntityManager,
    uploadId: string,
    lastLine: number,
    counts: { read: number; staged: number; rejected: number },
  ): Promise<void> {
    await m.query(
      `UPDATE subsidy.roster_uploads SET processed_lines = $2, rows_read = rows_read + $3, rows_staged = rows_staged + $4,
              rows_rejected = rows_rejected + $5
        WHERE id = $1`,
      [uploadId, lastLine, counts.read, counts.staged, counts.rejected],
    );
  }

  /** STAGED, with what approving it changes: a second person of the department may now decide. */
  async finishStaging(
    m: EntityManager,
    uploadId: string,
    summary: RosterSummary,
    regionCodes: string[],
    warnings: RosterWarning[],
  ): Promise<void> {
    await m.query(
      `UPDATE subsidy.roster_uploads SET status = 'STAGED', summary = $2, region_codes = $3, warnings = $4, finished_at = $5
        WHERE id = $1`,
      [uploadId, JSON.stringify(summary), regionCodes, JSON.stringify(warnings), this.clock.now()],
    );
  }

  /** FAILED by a refusal of the whole snapshot, its code and details kept to answer the uploader with. */
  async refuse(m: EntityManager, uploadId: string, refusal: DomainError): Promise<void> {
    await m.query(
      `UPDATE subsidy.roster_uploads SET status = 'FAILED', error = $2, error_code = $3, error_details = $4, finished_at = $5
        WHERE id = $1`,
      [
        uploadId,
        refusal.message,
        refusal.code,
        refusal.details === undefined ? null : JSON.stringify(refusal.details),
        this.clock.now(),
      ],
    );
  }

  /** FAILED with the reason, unless it finished meanwhile; uploading the same bytes again resumes it. */
  async markFailed(uploadId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE subsidy.roster_uploads SET status = 'FAILED', error = $2, finished_at = $3 WHERE id = $1 AND status = 'PROCESSING'`,
      [uploadId, reason, this.clock.now()],
    );
  }

  /** Per certified region of the staged rows: each category and how many rows carry it. */
  async stagedCategories(
    m: EntityManager,
    uploadId: string,
  ): Promise<{ regionCode: string; category: string; rows: number }[]> {
    const rows: { certified_region_code: string; category: string; n: number }[] = await m.query(
      `SELECT certified_region_code, category, count(*)::int AS n FROM subsidy.roster_rows WHERE upload_id = $1
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [uploadId],
    );
    return rows.map((r) => ({ regionCode: r.certified_region_code, category: r.category, rows: r.n }));
  }

  /**
   * Serialises approvals of one source: two snapshots approved at once would each close what the
   * other opens. Held until the approving transaction ends.
   */
  async lockSource(m: EntityManager, source: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('subsidy-roster:' || $1))`, [source]);
  }

  /** The newest approved snapshot of the source for any of these regions, if any. */
  async newestApproved(
    m: EntityManager,
    source: string,
    regionCodes: string[],
  ): Promise<{ id: string; asOf: string; regionCode: string } | undefined> {
    const rows: { id: string; as_of: string; region_code: string }[] = await m.query(
      `SELECT u.id, to_char(u.as_of, 'YYYY-MM-DD') AS as_of, r.region_code
         FROM subsidy.roster_uploads u, unnest(u.region_codes) AS r(region_code)
        WHERE u.source = $1 AND u.status = 'APPROVED' AND r.region_code = ANY($2::text[])
        ORDER BY u.as_of DESC, r.region_code LIMIT 1`,
      [source, regionCodes],
    );
    return rows[0] ? { id: rows[0].id, asOf: rows[0].as_of, regionCode: rows[0].region_code } : undefined;
  }

  /**
   * Applies an approved snapshot to the identity periods of its source in its regions (another
   * region's people of the same source are never touched): people missing from it lose
   * the identity from its date (the period ends the day before); new ones open a period. Returns
   * everyone whose identities changed.
   */
  async apply(m: EntityManager, upload: RosterUpload): Promise<string[]> {
    const [closed]: [{ id_number: string }[], number] = await m.query(
      `UPDATE subsidy.identities i SET valid_to = GREATEST(i.valid_from, $3::date - 1), closed_by = $1
        WHERE i.source = $2 AND i.closed_by IS NULL AND i.certified_region_code = ANY($4::text[])
          AND NOT EXISTS (SELECT 1 FROM subsidy.roster_rows r WHERE r.upload_id = $1 AND r.id_number = i.id_number
                            AND r.category = i.category AND r.certified_region_code = i.certified_region_code)
       RETURNING i.id_number`,
      [upload.id, upload.source, upload.asOf, upload.regionCodes],
    );
    const opened: { id_number: string }[] = await m.query(
      `INSERT INTO subsidy.identities (id_number, source, category, certified_region_code, valid_from, valid_to, opened_by)
       SELECT r.id_number, $2, r.category, r.certified_region_code, r.valid_from, r.valid_to, $1 FROM subsidy.roster_rows r
        WHERE r.upload_id = $1 AND NOT EXISTS (SELECT 1 FROM subsidy.identities i WHERE i.source = $2 AND i.closed_by IS NULL
                AND i.id_number = r.id_number AND i.category = r.category AND i.certified_region_code = r.certified_region_code)
       RETURNING id_number`,
      [upload.id, upload.source],
    );
    return [...new Set([...closed.map((r) => r.id_number), ...opened.map((r) => r.id_number)])];
  }

  async decide(
    m: EntityManager,
    id: string,
    status: 'APPROVED' | 'REJECTED',
    by: string,
    note: string | null,
  ): Promise<void> {
    await m.query(
      `UPDATE subsidy.roster_uploads SET status = $2, decided_by = $3, decided_at = $5, decision_note = $4 WHERE id = $1`,
      [id, status, by, note, this.clock.now()],
    );
  }
}
