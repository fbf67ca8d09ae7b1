import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refund desk: its projections of the tax bureau's payments and of enrolments (filled from
 * events, in any order), the applications with every transition, and the funding plans.
 */
export class Refunds1764100001000 implements MigrationInterface {
  name = 'Refunds1764100001000';

  async up(q: QueryRunner): Promise<void> {
    // One row per voucher. payment.recorded and payment.reversed each fill their own columns, so the
    // row is the same whichever arrives first; amount_fen is null until the payment itself arrives.
    await q.query(`CREATE TABLE refund.payments (
      voucher_no text PRIMARY KEY,
      id_number text NOT NULL,
      season integer NOT NULL,
      region_code text NOT NULL,
      township_code text,
      village_code text,
      amount_fen integer,
      channel text,
      paid_at timestamptz,
      reversal_voucher_no text,
      reversed_at timestamptz
    )`);
    await q.query(`CREATE INDEX payments_person_season ON refund.payments (id_number, season)`);
    await q.query(`CREATE INDEX payments_season_region ON refund.payments (season, region_code)`);
    // One row per enrolment, from enrollment.registered / activated / cancelled in any order.
    await q.query(`CREATE TABLE refund.enrolments (
      enrollment_id uuid PRIMARY KEY,
      id_number text NOT NULL,
      season integer NOT NULL,
      region_code text NOT NULL,
      township_code text,
      village_code text,
      name text,
      standard_fen integer,
      registered_at timestamptz,
      benefit_start date,
      benefit_end date,
      activated_at timestamptz,
      cancel_reason text,
      cancelled_at timestamptz
    )`);
    await q.query(`CREATE INDEX enrolments_person_season ON refund.enrolments (id_number, season)`);
    await q.query(`CREATE INDEX enrolments_season_region ON refund.enrolments (season, region_code)`);
    await q.query(`CREATE TABLE refund.refunds (
      id uuid PRIMARY KEY,
      voucher_no text NOT NULL,
      id_number text NOT NULL,
      amount_fen integer NOT NULL CHECK (amount_fen > 0),
      reason text NOT NULL,
      payee_name text NOT NULL,
      payee_bank text,
      payee_account text NOT NULL,
      note text,
      state text NOT NULL CHECK (state IN ('REQUESTED', 'APPROVED', 'REJECTED', 'PLANNED', 'FUNDED', 'PAID', 'PAYOUT_FAILED')),
      season integer,
      region_code text,
      township_code text,
      precheck jsonb NOT NULL,
      entered_by text NOT NULL,
      entered_at timestamptz NOT NULL,
      entered_on date NOT NULL,
      idempotency_key text,
      request_hash text,
      plan_id uuid,
      updated_at timestamptz NOT NULL
    )`);
    // One open refund per voucher (an open refund is any not REJECTED or PAID).
    await q.query(
      `CREATE UNIQUE INDEX refunds_open_voucher ON refund.refunds (voucher_no) WHERE state NOT IN ('REJECTED', 'PAID')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX refunds_idempotency ON refund.refunds (entered_by, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX refunds_state ON refund.refunds (state, entered_on)`);
    await q.query(`CREATE INDEX refunds_voucher ON refund.refunds (voucher_no)`);
    await q.query(`CREATE TABLE refund.refund_transitions (
      seq bigserial PRIMARY KEY,
      refund_id uuid NOT NULL REFERENCES refund.refunds (id),
      from_state text,
      to_state text NOT NULL,
      command text NOT NULL,
      actor text NOT NULL,
      at timestamptz NOT NULL,
      reason text,
      details jsonb NOT NULL DEFAULT '{}'
    )`);
    await q.query(`CREATE INDEX refund_transitions_refund ON refund.refund_transitions (refund_id, seq)`);
    await q.query(`CREATE TABLE refund.refund_plans (
      id uuid PRIMARY KEY,
      state text NOT NULL CHECK (state IN ('SUBMITTED', 'FUNDED')),
      refund_count integer NOT NULL,
      total_fen bigint NOT NULL,
      totals jsonb NOT NULL,
      note text,
      submitted_by text NOT NULL,
      submitted_at timestamptz NOT NULL,
      funded_by text,
      funded_at timestamptz,
      funded_amount_fen bigint,
      funding_reference text
    )`);
    // A refund is in at most one plan at a time; a failed payout releases it for the next plan.
    await q.query(`CREATE TABLE refund.refund_plan_items (
      plan_id uuid NOT NULL REFERENCES refund.refund_plans (id),
      refund_id uuid NOT NULL REFERENCES refund.refunds (id),
      amount_fen integer NOT NULL,
      reason text NOT NULL,
      region_code text NOT NULL,
      township_code text,
      released_at timestamptz,
      PRIMARY KEY (plan_id, refund_id)
    )`);
    await q.query(
      `CREATE UNIQUE INDEX refund_plan_items_current ON refund.refund_plan_items (refund_id) WHERE released_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'refund_plan_items',
      'refund_plans',
      'refund_transitions',
      'refunds',
      'enrolments',
      'payments',
    ])
      await q.query(`DROP TABLE refund.${t}`);
  }
}
