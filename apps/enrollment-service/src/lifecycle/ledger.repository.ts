import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { liveEnrolment } from '../standing/enrollment.repository';
import type { LedgerEntry } from './ledger-entry';

/** A ledger line of an enrolment, as its standing and the person's view read it. */
export interface LedgerLine {
  voucherNo: string;
  kind: string;
  amountFen: number;
  channel: string | null;
  paidAt: Date;
}

/**
 * The ledger (缴费台账, `enrollment.payments`): payments, reversals and refunds, unique by voucher,
 * each attached to the person's enrolment of the season once there is one.
 */
@Injectable()
export class LedgerRepository {
  /**
   * Records ledger entries not seen before (by voucher), each attached at once to its person's live
   * enrolment of the season where there is one (otherwise later, by `attachPayments` or
   * `attachToLatest`); returns the vouchers inserted. Attaching in the insert spares every payment
   * a second version of its row: `enrollment_id` is indexed, so the update could not be HOT.
   */
  async insertPayments(m: EntityManager, rows: LedgerEntry[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted: { voucher_no: string }[] = await m.query(
      `INSERT INTO enrollment.payments (voucher_no, id_number, season, kind, original_voucher_no, amount_fen, channel, paid_at, event_id,
                                        enrollment_id)
       SELECT x.*, e.id
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[], $8::timestamptz[], $9::uuid[])
                AS x(voucher_no, id_number, season, kind, original_voucher_no, amount_fen, channel, paid_at, event_id)
         LEFT JOIN enrollment.enrollments e
           ON e.id_number = x.id_number AND e.season = x.season AND ${liveEnrolment('e')}
       ON CONFLICT (voucher_no) DO NOTHING
       RETURNING voucher_no`,
      [
        rows.map((r) => r.voucherNo),
        rows.map((r) => r.idNumber),
        rows.map((r) => r.season),
        rows.map((r) => r.kind),
        rows.map((r) => r.originalVoucherNo),
        rows.map((r) => r.amountFen),
        rows.map((r) => r.channel),
        rows.map((r) => r.paidAt),
        rows.map((r) => r.eventId),
      ],
    );
    return new Set(inserted.map((r) => r.voucher_no));
  }

  /** Attaches these ledger entries to each person's latest enrolment of the season, live or ended. */
  async attachToLatest(m: EntityManager, vouchers: string[]): Promise<void> {
    if (vouchers.length === 0) return;
    await m.query(
      `UPDATE enrollment.payments p SET enrollment_id = (
          SELECT e.id FROM enrollment.enrollments e WHERE e.id_number = p.id_number AND e.season = p.season
           ORDER BY (${liveEnrolment('e')}) DESC, e.registered_at DESC LIMIT 1)
        WHERE p.voucher_no = ANY($1::text[]) AND p.enrollment_id IS NULL`,
      [vouchers],
    );
  }

  /** Attaches unattached payments of these people and seasons to their live enrolments. */
  async attachPayments(m: EntityManager, keys: { idNumber: string; season: number }[]): Promise<void> {
    if (keys.length === 0) return;
    await m.query(
      `UPDATE enrollment.payments p SET enrollment_id = e.id
         FROM enrollment.enrollments e
        WHERE p.enrollment_id IS NULL AND e.id_number = p.id_number AND e.season = p.season AND ${liveEnrolment('e')}
          AND (p.id_number, p.season) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
      [keys.map((k) => k.idNumber), keys.map((k) => k.season)],
    );
  }

  /** The ledger lines attached to each of these enrolments, in the order they were paid. */
  async ledgers(m: EntityManager | DataSource, enrollmentIds: string[]): Promise<Map<string, LedgerLine[]>> {
    const out = new Map<string, LedgerLine[]>();
    if (enrollmentIds.length === 0) return out;
    const rows: {
      enrollment_id: string;
      voucher_no: string;
      kind: string;
      amount_fen: number;
      channel: string | null;
      paid_at: Date;
    }[] = await m.query(
      `SELECT enrollment_id, voucher_no, kind, amount_fen, channel, paid_at FROM enrollment.payments
        WHERE enrollment_id = ANY($1::uuid[]) ORDER BY paid_at, voucher_no`,
      [enrollmentIds],
    );
    for (const r of rows) {
      const list = out.get(r.enrollment_id) ?? [];
      list.push({
        voucherNo: r.voucher_no,
        kind: r.kind,
        amountFen: r.amount_fen,
        channel: r.channel,
        paidAt: r.paid_at,
      });
      out.set(r.enrollment_id, list);
    }
    return out;
  }
}
