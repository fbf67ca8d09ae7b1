import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@urrbmi/platform';
import { FeedRow, QuarantinedRow } from './feed-row';

export type FeedStatus = 'PROCESSING' | 'ACCEPTED' | 'FAILED';

export interface FeedRecord {
  id: string;
  sha256: string;
  feedDate: string;
  regionCode: string;
  declaredCount: number;
  declaredTotalFen: number;
  contentType: string;
  sizeBytes: number;
  storagePath: string;
  status: FeedStatus;
  submittedBy: string;
  receivedAt: Date;
  late: boolean;
  processedLines: number;
  rowsRead: number;
  applied: number;
  reversed: number;
  duplicates: number;
  quarantined: number;
  appliedTotalFen: number;
  error: string | null;
  finishedAt: Date | null;
  /** Set aside after crashing the service (see FileJobRunner): never resumed, not even by a re-push. */
  setAsideAt: Date | null;
  /** The raw file was deleted after its retention. */
  rawDeletedAt: Date | null;
}

export interface AcceptedFigures {
  feedDate: string;
  regionCode: string;
  rows: number;
  applied: number;
  reversed: number;
  duplicates: number;
  quarantined: number;
  appliedTotalFen: number;
  declaredTotalFen: number;
  late: boolean;
}

export interface FeedException extends QuarantinedRow {
  kind: 'QUARANTINED' | 'DUPLICATE';
  rawLine?: string;
}

const COLUMNS = `id, sha256, to_char(feed_date, 'YYYY-MM-DD') AS feed_date, region_code, declared_count, declared_total_fen, content_type,
  size_bytes, storage_path, status, submitted_by, received_at, late, processed_lines, rows_read, applied, reversed, duplicates,
  quarantined, applied_total_fen, error, finished_at, set_aside_at, raw_deleted_at`;

function toRecord(r: Record<string, unknown>): FeedRecord {
  return {
    id: r.id as string,
    sha256: r.sha256 as string,
    feedDate: r.feed_date as string,
    regionCode: r.region_code as string,
    declaredCount: r.declared_count as number,
    declaredTotalFen: Number(r.declared_total_fen),
    contentType: r.content_type as string,
    sizeBytes: Number(r.size_bytes),
    storagePath: r.storage_path as string,
    status: r.status as FeedStatus,
    submittedBy: r.submitted_by as string,
    receivedAt: r.received_at as Date,
    late: r.late as boolean,
    processedLines: r.processed_lines as number,
    rowsRead: r.rows_read as number,
    applied: r.applied as number,
    reversed: r.reversed as number,
    duplicates: r.duplicates as number,
    quarantined: r.quarantined as number,
    appliedTotalFen: Number(r.applied_total_fen),
    error: (r.error as string) ?? null,
    finishedAt: (r.finished_at as Date) ?? null,
    setAsideAt: (r.set_aside_at as Date) ?? null,
    rawDeletedAt: (r.raw_deleted_at as Date) ?? null,
  };
}

/** All SQL of the feed ledger. Bulk paths take arrays and use unnest. */
@Injectable()
export class FeedRepository {
  /** Times a clerk sees (received, finished) come from the service clock, not the database's. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(
    f: Pick<
      FeedRecord,
      | 'id'
      | 'sha256'
      | 'feedDate'
      | 'regionCode'
      | 'declaredCount'
      | 'declaredTotalFen'
      | 'contentType'
      | 'sizeBytes'
      | 'storagePath'
      | 'submittedBy'
      | 'late'
    >,
  ): Promise<FeedRecord | undefined> {
    const rows = await this.dataSource.query(
      `INSERT INTO tax_feed.feeds (id, sha256, feed_date, region_code, declared_count, declared_total_fen, content_type, size_bytes, storage_path, status, submitted_by, late, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PROCESSING', $10, $11, $12)
       ON CONFLICT (sha256) DO NOTHING RETURNING ${COLUMNS}`,
      [
        f.id,
        f.sha256,
        f.feedDate,
        f.regionCode,
        f.declaredCount,
        f.declaredTotalFen,
        f.contentType,
        f.sizeBytes,
        f.storagePath,
        f.submittedBy,
        f.late,
        this.clock.now(),
      ],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async find(id: string): Promise<FeedRecord | undefined> {
    const rows = await this.dataSource.query(`SELECT ${COLUMNS} FROM tax_feed.feeds WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findBySha(sha256: string): Promise<FeedRecord | undefined> {
    const rows = await this.dataSource.query(`SELECT ${COLUMNS} FROM tax_feed.feeds WHERE sha256 = $1`, [
      sha256,
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Puts a FAILED feed back to PROCESSING (its checkpoint kept) with the file just pushed again as
   * its raw file; returns it, or undefined when the feed was not FAILED (someone else reopened it)
   * or was set aside.
   */
  async reopen(id: string, storagePath: string): Promise<FeedRecord | undefined> {
    const rows = await this.dataSource.query(
      // Through a CTE: an UPDATE's RETURNING comes back from TypeORM as [rows, count], a SELECT as rows.
      `WITH reopened AS (
         UPDATE tax_feed.feeds SET status = 'PROCESSING', error = NULL, finished_at = NULL, storage_path = $2,
                attempts = 0, attempt_from_line = NULL, raw_deleted_at = NULL
          WHERE id = $1 AND status = 'FAILED' AND set_aside_at IS NULL RETURNING *)
       SELECT ${COLUMNS} FROM reopened`,
      [id, storagePath],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async processing(): Promise<FeedRecord[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM tax_feed.feeds WHERE status = 'PROCESSING' ORDER BY received_at`,
    );
    return rows.map(toRecord);
  }

  /** Inserts payments not seen before; returns the vouchers inserted. */
  async insertLedger(m: EntityManager, feedId: string, rows: FeedRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted: { voucher_no: string }[] = await m.query(
      `INSERT INTO tax_feed.payments (voucher_no, kind, original_voucher_no, id_number, name, region_code, township_code, village_code,
                                      season, amount_fen, channel, paid_at, feed_id, line_no)
       SELECT v, k, o, i, n, r, t, vc, s, a, c, p, $1, l
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::int[], $11::int[], $12::text[], $13::timestamptz[], $14::int[]) AS x(v, k, o, i, n, r, t, vc, s, a, c, p, l)
       ON CONFLICT (voucher_no) DO NOTHING
       RETURNING voucher_no`,
      [
        feedId,
        rows.map((r) => r.voucherNo),
        rows.map((r) => r.kind),
        rows.map((r) => r.originalVoucherNo),
        rows.map((r) => r.idNumber),
        rows.map((r) => r.name),
        rows.map((r) => r.regionCode),
        rows.map((r) => r.townshipCode),
        rows.map((r) => r.villageCode),
        rows.map((r) => r.season),
        rows.map((r) => r.amountFen),
        rows.map((r) => r.channel),
        rows.map((r) => r.paidAt),
        rows.map((r) => r.line),
      ],
    );
    return new Set(inserted.map((r) => r.voucher_no));
  }

  async existingVouchers(m: EntityManager, vouchers: string[]): Promise<Set<string>> {
    if (vouchers.length === 0) return new Set();
    const rows: { voucher_no: string }[] = await m.query(
      `SELECT voucher_no FROM tax_feed.payments WHERE voucher_no = ANY($1::text[])`,
      [vouchers],
    );
    return new Set(rows.map((r) => r.voucher_no));
  }

  /** The originals reversals name, locked, with whether they were reversed already. */
  async originals(
    m: EntityManager,
    vouchers: string[],
  ): Promise<
    Map<
      string,
      { kind: string; idNumber: string; amountFen: number; reversedBy: string | null; channel: string | null }
    >
  > {
    if (vouchers.length === 0) return new Map();
    const rows: {
      voucher_no: string;
      kind: string;
      id_number: string;
      amount_fen: number;
      reversed_by: string | null;
      channel: string | null;
    }[] = await m.query(
      `SELECT voucher_no, kind, id_number, amount_fen, reversed_by, channel FROM tax_feed.payments WHERE voucher_no = ANY($1::text[]) FOR UPDATE`,
      [vouchers],
    );
    return new Map(
      rows.map((r) => [
        r.voucher_no,
        {
          kind: r.kind,
          idNumber: r.id_number,
          amountFen: r.amount_fen,
          reversedBy: r.reversed_by,
          channel: r.channel,
        },
      ]),
    );
  }

  async markReversed(m: EntityManager, pairs: { original: string; reversal: string }[]): Promise<void> {
    if (pairs.length === 0) return;
    await m.query(
      `UPDATE tax_feed.payments p SET reversed_by = x.r FROM unnest($1::text[], $2::text[]) AS x(o, r) WHERE p.voucher_no = x.o`,
      [pairs.map((p) => p.original), pairs.map((p) => p.reversal)],
    );
  }

  async addExceptions(m: EntityManager, feedId: string, rows: FeedException[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO tax_feed.exceptions (feed_id, line_no, kind, code, message, voucher_no, channel, amount_fen, id_number, raw_line)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[])
       ON CONFLICT DO NOTHING`,
      [
        feedId,
        rows.map((r) => r.line),
        rows.map((r) => r.kind),
        rows.map((r) => r.code),
        rows.map((r) => r.message),
        rows.map((r) => r.voucherNo),
        rows.map((r) => r.channel),
        rows.map((r) => r.amountFen),
        rows.map((r) => r.idNumber),
        rows.map((r) => r.rawLine ?? null),
      ],
    );
  }

  async checkpoint(
    m: EntityManager,
    feedId: string,
    lastLine: number,
    counts: {
      rows: number;
      applied: number;
      reversed: number;
      duplicates: number;
      quarantined: number;
      totalFen: number;
    },
  ): Promise<void> {
    await m.query(
      `UPDATE tax_feed.feeds SET processed_lines = $2, rows_read = rows_read + $3, applied = applied + $4, reversed = reversed + $5,
              duplicates = duplicates + $6, quarantined = quarantined + $7, applied_total_fen = applied_total_fen + $8
        WHERE id = $1`,
      [
        feedId,
        lastLine,
        counts.rows,
        counts.applied,
        counts.reversed,
        counts.duplicates,
        counts.quarantined,
        counts.totalFen,
      ],
    );
  }

  async finish(
    m: EntityManager,
    feedId: string,
    status: FeedStatus,
    error: string | null = null,
  ): Promise<void> {
    await m.query(`UPDATE tax_feed.feeds SET status = $2, error = $3, finished_at = $4 WHERE id = $1`, [
      feedId,
      status,
      error,
      this.clock.now(),
    ]);
  }

  /** The figures `feed.accepted` carries, read in the accepting transaction. */
  async acceptedFigures(m: EntityManager, feedId: string): Promise<AcceptedFigures> {
    const [f] = await m.query(
      `SELECT to_char(feed_date, 'YYYY-MM-DD') AS feed_date, region_code, rows_read, applied, reversed, duplicates, quarantined,
              applied_total_fen::text, declared_total_fen::text, late FROM tax_feed.feeds WHERE id = $1`,
      [feedId],
    );
    return {
      feedDate: f.feed_date,
      regionCode: f.region_code,
      rows: f.rows_read,
      applied: f.applied,
      reversed: f.reversed,
      duplicates: f.duplicates,
      quarantined: f.quarantined,
      appliedTotalFen: Number(f.applied_total_fen),
      declaredTotalFen: Number(f.declared_total_fen),
      late: f.late,
    };
  }

  /** The late alarm of the feed's region and day, cleared by the feed that came. */
  async clearLateAlarm(
    m: EntityManager,
    regionCode: string,
    feedDate: string,
    feedId: string,
  ): Promise<void> {
    await m.query(
      `UPDATE tax_feed.late_feeds SET cleared_by = $3, cleared_at = now() WHERE region_code = $1 AND feed_date = $2 AND cleared_at IS NULL`,
      [regionCode, feedDate, feedId],
    );
  }

  /** FAILED with the reason, unless it finished meanwhile; pushing the same bytes again resumes it. */
  async markFailed(feedId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE tax_feed.feeds SET status = 'FAILED', error = $2, finished_at = $3 WHERE id = $1 AND status = 'PROCESSING'`,
      [feedId, reason, this.clock.now()],
    );
  }

  async exceptions(feedId: string, limit: number, afterLine = 0): Promise<FeedException[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT line_no, kind, code, message, voucher_no, channel, amount_fen, id_number FROM tax_feed.exceptions
        WHERE feed_id = $1 AND line_no > $3 ORDER BY line_no LIMIT $2`,
      [feedId, limit, afterLine],
    );
    return rows.map((r) => ({
      line: r.line_no as number,
      kind: r.kind as FeedException['kind'],
      code: r.code as string,
      message: r.message as string,
      voucherNo: (r.voucher_no as string) ?? null,
      channel: (r.channel as string) ?? null,
      amountFen: (r.amount_fen as number) ?? null,
      idNumber: (r.id_number as string) ?? null,
    }));
  }
}
