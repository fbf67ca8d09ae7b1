import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  EnrollmentActivatedV1,
  EnrollmentCancelledV1,
  EnrollmentRegisteredV1,
  PaymentRecordedV1,
  PaymentReversedV1,
} from '@urrbmi/contracts';

/** A recorded payment as the refund desk knows it, with the township to count it under. */
export interface PaymentFact {
  voucherNo: string;
  idNumber: string;
  season: number;
  regionCode: string;
  /** From the payment, else from the person's enrolment that season. */
  townshipCode: string | null;
  /** Null while only its reversal has arrived. */
  amountFen: number | null;
  reversed: boolean;
}

/** A person-season whose money may be due back, before the policy's arithmetic. */
export interface CandidateRow {
  idNumber: string;
  name: string | null;
  season: number;
  regionCode: string;
  townshipCode: string | null;
  standardFen: number;
  cancelReason: string | null;
  paidFen: number;
  /** In open or paid refunds already. */
  refundingFen: number;
  vouchers: { voucherNo: string; amountFen: number; paidAt: string; openRefund: boolean }[];
}

/** Rows in the order of their keys: two batches upserting overlapping keys lock them in one order. */
const byKey = <T>(entries: Iterable<readonly [string, T]>): T[] =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);

/**
 * One row per key, in key order: two partitions are applied at once, and an enrolment's
 * registration and activation batches upserting the same rows in different orders deadlocked
 * (retried, but each a second lost).
 */
const first = <T>(rows: T[], key: (r: T) => string): T[] =>
  byKey(new Map(rows.map((r) => [key(r), r] as const)));

/**
 * The refund service's own copies of other services' facts: payments by voucher and enrolments by id.
 * Every upsert fills only the columns its event knows and keeps the rest, so the rows end the same
 * whatever order payment.recorded, payment.reversed and the enrolment events arrive in.
 */
@Injectable()
export class ProjectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async recordPayments(m: EntityManager, events: PaymentRecordedV1[]): Promise<void> {
    const rows = first(events, (p) => p.voucherNo);
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO refund.payments (voucher_no, id_number, season, region_code, township_code, village_code, amount_fen, channel, paid_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::timestamptz[])
       ON CONFLICT (voucher_no) DO UPDATE SET
         id_number = EXCLUDED.id_number, season = EXCLUDED.season, region_code = EXCLUDED.region_code,
         township_code = EXCLUDED.township_code, village_code = EXCLUDED.village_code,
         amount_fen = EXCLUDED.amount_fen, channel = EXCLUDED.channel, paid_at = EXCLUDED.paid_at`,
      [
        rows.map((p) => p.voucherNo),
        rows.map((p) => p.idNumber),
        rows.map((p) => p.season),
        rows.map((p) => p.regionCode),
        rows.map((p) => p.townshipCode ?? null),
        rows.map((p) => p.villageCode ?? null),
        rows.map((p) => p.amountFen),
        rows.map((p) => p.channel),
        rows.map((p) => p.paidAt),
      ],
    );
  }

  /** A reversal marks the original voucher, creating its row if the payment has not arrived yet. */
  async reversePayments(m: EntityManager, events: PaymentReversedV1[]): Promise<void> {
    const rows = first(events, (p) => p.originalVoucherNo);
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO refund.payments (voucher_no, id_number, season, region_code, reversal_voucher_no, reversed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT (voucher_no) DO UPDATE SET
         reversal_voucher_no = CASE WHEN payments.reversed_at IS NULL OR EXCLUDED.reversed_at < payments.reversed_at
                                    THEN EXCLUDED.reversal_voucher_no ELSE payments.reversal_voucher_no END,
         reversed_at = LEAST(payments.reversed_at, EXCLUDED.reversed_at)`,
      [
        rows.map((p) => p.originalVoucherNo),
        rows.map((p) => p.idNumber),
        rows.map((p) => p.season),
        rows.map((p) => p.regionCode),
        rows.map((p) => p.voucherNo),
        rows.map((p) => p.reversedAt),
      ],
    );
  }

  async registerEnrolments(m: EntityManager, events: EnrollmentRegisteredV1[]): Promise<void> {
    const rows = first(events, (e) => e.enrollmentId);
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO refund.enrolments (enrollment_id, id_number, season, region_code, township_code, village_code, name, standard_fen, registered_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[])
       ON CONFLICT (enrollment_id) DO UPDATE SET
         township_code = EXCLUDED.township_code, village_code = EXCLUDED.village_code, name = EXCLUDED.name,
         standard_fen = EXCLUDED.standard_fen, registered_at = EXCLUDED.registered_at`,
      [
        rows.map((e) => e.enrollmentId),
        rows.map((e) => e.idNumber),
        rows.map((e) => e.season),
        rows.map((e) => e.regionCode),
        rows.map((e) => e.townshipCode ?? null),
        rows.map((e) => e.villageCode ?? null),
        rows.map((e) => e.name),
        rows.map((e) => e.amountDueFen),
        rows.map((e) => e.registeredAt),
      ],
    );
  }

  /** The latest activation (by activatedAt) gives the benefit period, whatever order they arrive in. */
  async activateEnrolments(m: EntityManager, events: EnrollmentActivatedV1[]): Promise<void> {
    const latest = new Map<string, EnrollmentActivatedV1>();
    for (const e of events) {
      const had = latest.get(e.enrollmentId);
      if (!had || Date.parse(e.activatedAt) > Date.parse(had.activatedAt)) latest.set(e.enrollmentId, e);
    }
    const rows = byKey(latest);
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO refund.enrolments (enrollment_id, id_number, season, region_code, township_code, village_code, benefit_start, benefit_end, activated_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::date[], $8::date[], $9::timestamptz[])
       ON CONFLICT (enrollment_id) DO UPDATE SET
         township_code = COALESCE(enrolments.township_code, EXCLUDED.township_code),
         village_code = COALESCE(enrolments.village_code, EXCLUDED.village_code),
         benefit_start = CASE WHEN enrolments.activated_at IS NULL OR EXCLUDED.activated_at >= enrolments.activated_at
                              THEN EXCLUDED.benefit_start ELSE enrolments.benefit_start END,
         benefit_end = CASE WHEN enrolments.activated_at IS NULL OR EXCLUDED.activated_at >= enrolments.activated_at
                            THEN EXCLUDED.benefit_end ELSE enrolments.benefit_end END,
         activated_at = GREATEST(enrolments.activated_at, EXCLUDED.activated_at)`,
      [
        rows.map((e) => e.enrollmentId),
        rows.map((e) => e.idNumber),
        rows.map((e) => e.season),
        rows.map((e) => e.regionCode),
        rows.map((e) => e.townshipCode ?? null),
        rows.map((e) => e.villageCode ?? null),
        rows.map((e) => e.benefitStart),
        rows.map((e) => e.benefitEnd),
        rows.map((e) => e.activatedAt),
      ],
    );
  }

  async cancelEnrolments(m: EntityManager, events: EnrollmentCancelledV1[]): Promise<void> {
    const rows = first(events, (e) => e.enrollmentId);
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO refund.enrolments (enrollment_id, id_number, season, region_code, cancel_reason, cancelled_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT (enrollment_id) DO UPDATE SET
         cancel_reason = CASE WHEN enrolments.cancelled_at IS NULL OR EXCLUDED.cancelled_at < enrolments.cancelled_at
                              THEN EXCLUDED.cancel_reason ELSE enrolments.cancel_reason END,
         cancelled_at = LEAST(enrolments.cancelled_at, EXCLUDED.cancelled_at)`,
      [
        rows.map((e) => e.enrollmentId),
        rows.map((e) => e.idNumber),
        rows.map((e) => e.season),
        rows.map((e) => e.regionCode),
        rows.map((e) => e.reason),
        rows.map((e) => e.cancelledAt),
      ],
    );
  }

  /** Which of these vouchers the tax bureau has reversed. */
  async reversedVouchers(m: EntityManager, voucherNos: string[]): Promise<Set<string>> {
    if (voucherNos.length === 0) return new Set();
    const rows: { voucher_no: string }[] = await m.query(
      `SELECT voucher_no FROM refund.payments WHERE voucher_no = ANY($1::text[]) AND reversed_at IS NOT NULL`,
      [voucherNos],
    );
    return new Set(rows.map((r) => r.voucher_no));
  }

  async payment(m: EntityManager, voucherNo: string): Promise<PaymentFact | undefined> {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT p.voucher_no, p.id_number, p.season, p.region_code, p.amount_fen, p.reversed_at IS NOT NULL AS reversed,
              COALESCE(p.township_code, (SELECT e.township_code FROM refund.enrolments e
                 WHERE e.id_number = p.id_number AND e.season = p.season AND e.township_code IS NOT NULL
                 ORDER BY (e.cancelled_at IS NULL) DESC, e.registered_at DESC NULLS LAST LIMIT 1)) AS township_code
         FROM refund.payments p WHERE p.voucher_no = $1`,
      [voucherNo],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      voucherNo: r.voucher_no as string,
      idNumber: r.id_number as string,
      season: r.season as number,
      regionCode: r.region_code as string,
      townshipCode: (r.township_code as string) ?? null,
      amountFen: (r.amount_fen as number) ?? null,
      reversed: r.reversed as boolean,
    };
  }

  /**
   * Person-seasons of a region whose payments exceed what they owed (live enrolment) or who paid and
   * were cancelled, net of refunds already open or paid. The policy decides the exact amount.
   */
  async candidates(
    season: number,
    regionCode: string,
    townshipCode: string | undefined,
    limit: number,
  ): Promise<CandidateRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH enrolment AS (
         SELECT DISTINCT ON (id_number) id_number, season, region_code, township_code, name, standard_fen, cancel_reason
           FROM refund.enrolments WHERE season = $1 AND region_code = $2 AND standard_fen IS NOT NULL
          ORDER BY id_number, (cancelled_at IS NULL) DESC, registered_at DESC NULLS LAST),
       paid AS (
         SELECT p.id_number, SUM(p.amount_fen) AS paid_fen,
                json_agg(json_build_object('voucherNo', p.voucher_no, 'amountFen', p.amount_fen, 'paidAt', p.paid_at,
                         'openRefund', EXISTS (SELECT 1 FROM refund.refunds r WHERE r.voucher_no = p.voucher_no
                                                  AND r.state NOT IN ('REJECTED', 'PAID')))
                         ORDER BY p.paid_at, p.voucher_no) AS vouchers
           FROM refund.payments p
          WHERE p.season = $1 AND p.region_code = $2 AND p.amount_fen IS NOT NULL AND p.reversed_at IS NULL
          GROUP BY p.id_number),
       refunding AS (
         SELECT r.id_number, SUM(r.amount_fen) AS fen FROM refund.refunds r
          WHERE r.season = $1 AND r.region_code = $2 AND r.state <> 'REJECTED' GROUP BY r.id_number)
       SELECT e.id_number, e.name, e.season, e.region_code, e.township_code, e.standard_fen, e.cancel_reason,
              paid.paid_fen, COALESCE(refunding.fen, 0) AS refunding_fen, paid.vouchers
         FROM enrolment e JOIN paid USING (id_number) LEFT JOIN refunding USING (id_number)
        WHERE ($3::text IS NULL OR e.township_code = $3)
          AND paid.paid_fen - COALESCE(refunding.fen, 0) > CASE WHEN e.cancel_reason IS NULL THEN e.standard_fen ELSE 0 END
        ORDER BY e.township_code NULLS LAST, e.id_number LIMIT $4`,
      [season, regionCode, townshipCode ?? null, limit],
    );
    return rows.map((r) => ({
      idNumber: r.id_number as string,
      name: (r.name as string) ?? null,
      season: r.season as number,
      regionCode: r.region_code as string,
      townshipCode: (r.township_code as string) ?? null,
      standardFen: r.standard_fen as number,
      cancelReason: (r.cancel_reason as string) ?? null,
      paidFen: Number(r.paid_fen),
      refundingFen: Number(r.refunding_fen),
      vouchers: r.vouchers as CandidateRow['vouchers'],
    }));
  }
}
