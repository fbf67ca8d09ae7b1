import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  EnrollmentActivatedV1,
  EnrollmentCancelledV1,
  EnrollmentRegisteredV1,
  FeedAcceptedV1,
  FeedLateV1,
  PaymentRecordedV1,
  PaymentReversedV1,
  RefundPaidV1,
  SubsidyAssessedV1,
  SubsidyTransferRequestedV1,
  SubsidyTransferSettledV1,
} from '@urrbmi/contracts';

const col = <T, V>(rows: T[], f: (r: T) => V) => rows.map(f);

/**
 * One set-based statement per topic and batch, each writing facts keyed by the event's own identity
 * (voucher, enrolment, refund, transfer): a fact seen twice changes nothing, and facts of one person
 * from different topics never depend on which came first. Counts are derived from the facts by the
 * read repositories.
 */
@Injectable()
export class ProjectionRepository {
  async registrations(m: EntityManager, e: EnrollmentRegisteredV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_registration
         (enrollment_id, id_number, name, season, region_code, township_code, village_code, kind, amount_due_fen, registered_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::int[], $10::timestamptz[])
       ON CONFLICT (enrollment_id) DO NOTHING`,
      [
        col(e, (x) => x.enrollmentId),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.name),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.townshipCode ?? null),
        col(e, (x) => x.villageCode ?? null),
        col(e, (x) => x.kind),
        col(e, (x) => x.amountDueFen),
        col(e, (x) => x.registeredAt),
      ],
    );
  }

  async activations(m: EntityManager, e: EnrollmentActivatedV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_activation
         (enrollment_id, activated_at, id_number, season, region_code, township_code, village_code, paid_as, paid_fen)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::int[])
       ON CONFLICT (enrollment_id, activated_at) DO NOTHING`,
      [
        col(e, (x) => x.enrollmentId),
        col(e, (x) => x.activatedAt),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.townshipCode ?? null),
        col(e, (x) => x.villageCode ?? null),
        col(e, (x) => x.paidAs),
        col(e, (x) => x.paidFen),
      ],
    );
  }

  async cancellations(m: EntityManager, e: EnrollmentCancelledV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_cancellation
         (enrollment_id, id_number, season, region_code, reason, effective_date, cancelled_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::date[], $7::timestamptz[])
       ON CONFLICT (enrollment_id) DO NOTHING`,
      [
        col(e, (x) => x.enrollmentId),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.reason),
        col(e, (x) => x.effectiveDate),
        col(e, (x) => x.cancelledAt),
      ],
    );
  }

  async payments(m: EntityManager, e: PaymentRecordedV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_payment
         (voucher_no, id_number, name, season, region_code, township_code, village_code, amount_fen, channel, paid_at,
          paid_date, feed_id)
       SELECT v, i, n, s, r, t, vi, a, c, p, (p AT TIME ZONE 'Asia/Shanghai')::date, f
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[],
                     $9::text[], $10::timestamptz[], $11::uuid[]) AS x(v, i, n, s, r, t, vi, a, c, p, f)
       ON CONFLICT (voucher_no) DO NOTHING`,
      [
        col(e, (x) => x.voucherNo),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.name),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.townshipCode ?? null),
        col(e, (x) => x.villageCode ?? null),
        col(e, (x) => x.amountFen),
        col(e, (x) => x.channel),
        col(e, (x) => x.paidAt),
        col(e, (x) => x.feedId),
      ],
    );
  }

  async reversals(m: EntityManager, e: PaymentReversedV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_reversal
         (voucher_no, original_voucher_no, id_number, season, region_code, amount_fen, reversed_at, reversed_date)
       SELECT v, o, i, s, r, a, t, (t AT TIME ZONE 'Asia/Shanghai')::date
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::timestamptz[])
              AS x(v, o, i, s, r, a, t)
       ON CONFLICT (voucher_no) DO NOTHING`,
      [
        col(e, (x) => x.voucherNo),
        col(e, (x) => x.originalVoucherNo),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.amountFen),
        col(e, (x) => x.reversedAt),
      ],
    );
  }

  /** The latest assessment wins, compared by its own assessedAt (then subsidy), never by arrival. */
  async assessments(m: EntityManager, e: SubsidyAssessedV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_assessment AS f
         (id_number, season, region_code, category, mode, route, subsidy_fen, amount_due_fen, assessed_at)
       SELECT DISTINCT ON (i, s) i, s, r, c, mo, ro, sf, ad, t
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[],
                     $9::timestamptz[]) AS x(i, s, r, c, mo, ro, sf, ad, t)
        ORDER BY i, s, t DESC, sf DESC, c DESC NULLS LAST
       ON CONFLICT (id_number, season) DO UPDATE SET
         region_code = EXCLUDED.region_code, category = EXCLUDED.category, mode = EXCLUDED.mode,
         route = EXCLUDED.route, subsidy_fen = EXCLUDED.subsidy_fen, amount_due_fen = EXCLUDED.amount_due_fen,
         assessed_at = EXCLUDED.assessed_at
       WHERE (EXCLUDED.assessed_at, EXCLUDED.subsidy_fen) > (f.assessed_at, f.subsidy_fen)`,
      [
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.category ?? null),
        col(e, (x) => x.mode ?? null),
        col(e, (x) => x.route ?? null),
        col(e, (x) => x.subsidyFen),
        col(e, (x) => x.amountDueFen),
        col(e, (x) => x.assessedAt),
      ],
    );
  }

  async refunds(m: EntityManager, e: RefundPaidV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_refund (refund_id, id_number, season, region_code, amount_fen, reason, paid_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::timestamptz[])
       ON CONFLICT (refund_id) DO NOTHING`,
      [
        col(e, (x) => x.refundId),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.amountFen),
        col(e, (x) => x.reason),
        col(e, (x) => x.paidAt),
      ],
    );
  }

  async transferRequests(m: EntityManager, e: SubsidyTransferRequestedV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_transfer AS f
         (transfer_id, id_number, season, region_code, category, route, requested_fen, transfer_month, requested_at)
       SELECT DISTINCT ON (t) * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[],
                                           $7::int[], $8::text[], $9::timestamptz[]) AS x(t, i, s, r, c, ro, a, mo, at)
        ORDER BY t, at
       ON CONFLICT (transfer_id) DO UPDATE SET
         region_code = EXCLUDED.region_code, category = EXCLUDED.category, route = EXCLUDED.route,
         requested_fen = EXCLUDED.requested_fen, transfer_month = EXCLUDED.transfer_month,
         requested_at = EXCLUDED.requested_at
       WHERE f.requested_at IS NULL`,
      [
        col(e, (x) => x.transferId),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.category),
        col(e, (x) => x.route),
        col(e, (x) => x.amountFen),
        col(e, (x) => x.transferMonth),
        col(e, (x) => x.requestedAt),
      ],
    );
  }

  /** A later settlement of the same transfer (by settledAt) replaces an earlier one. */
  async transferSettlements(m: EntityManager, e: SubsidyTransferSettledV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_transfer AS f (transfer_id, id_number, season, settled_status, settled_fen, settled_at)
       SELECT DISTINCT ON (t) t, i, s, st, a, at
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::timestamptz[]) AS x(t, i, s, st, a, at)
        ORDER BY t, at DESC, st DESC
       ON CONFLICT (transfer_id) DO UPDATE SET
         settled_status = EXCLUDED.settled_status, settled_fen = EXCLUDED.settled_fen, settled_at = EXCLUDED.settled_at
       WHERE f.settled_at IS NULL OR (EXCLUDED.settled_at, EXCLUDED.settled_status) > (f.settled_at, f.settled_status)`,
      [
        col(e, (x) => x.transferId),
        col(e, (x) => x.idNumber),
        col(e, (x) => x.season),
        col(e, (x) => x.status),
        col(e, (x) => x.amountFen),
        col(e, (x) => x.settledAt),
      ],
    );
  }

  async feedsAccepted(m: EntityManager, e: FeedAcceptedV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_feed (feed_id, region_code, feed_date, applied, applied_total_fen, late, accepted_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::int[], $5::bigint[], $6::bool[], $7::timestamptz[])
       ON CONFLICT (feed_id) DO NOTHING`,
      [
        col(e, (x) => x.feedId),
        col(e, (x) => x.regionCode),
        col(e, (x) => x.feedDate),
        col(e, (x) => x.applied),
        col(e, (x) => x.appliedTotalFen),
        col(e, (x) => x.late),
        col(e, (x) => x.acceptedAt),
      ],
    );
  }

  async feedsLate(m: EntityManager, e: FeedLateV1[]): Promise<void> {
    await m.query(
      `INSERT INTO reporting.fact_feed_late (region_code, feed_date, deadline, raised_at)
       SELECT * FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[])
       ON CONFLICT (region_code, feed_date) DO NOTHING`,
      [
        col(e, (x) => x.regionCode),
        col(e, (x) => x.feedDate),
        col(e, (x) => x.deadline),
        col(e, (x) => x.raisedAt),
      ],
    );
  }

  /** Rebuild: every fact goes; quotas and the record of raised alerts stay. */
  async dropAll(m: EntityManager): Promise<void> {
    await m.query(
      `TRUNCATE reporting.fact_registration, reporting.fact_activation, reporting.fact_cancellation,
                reporting.fact_payment, reporting.fact_reversal, reporting.fact_assessment, reporting.fact_refund,
                reporting.fact_transfer, reporting.fact_feed, reporting.fact_feed_late`,
    );
  }
}
