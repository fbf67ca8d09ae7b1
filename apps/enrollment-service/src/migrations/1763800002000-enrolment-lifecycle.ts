import { MigrationInterface, QueryRunner } from 'typeorm';

/** The enrolment's life: amounts, payments, benefit period, flags, history, and the employee-insured list. */
export class EnrolmentLifecycle1763800002000 implements MigrationInterface {
  name = 'EnrolmentLifecycle1763800002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment.enrollments DROP CONSTRAINT enrollments_person_season`);
    await q.query(`
      ALTER TABLE enrollment.enrollments
        ADD COLUMN policy_id        text,
        ADD COLUMN details          jsonb   NOT NULL DEFAULT '{}',
        ADD COLUMN standard_fen     integer NOT NULL DEFAULT 0,
        ADD COLUMN amount_due_fen   integer NOT NULL DEFAULT 0,
        ADD COLUMN subsidy_fen      integer NOT NULL DEFAULT 0,
        ADD COLUMN subsidy_category text,
        ADD COLUMN subsidy_mode     text,
        ADD COLUMN subsidy_reason   text,
        ADD COLUMN paid_fen         integer NOT NULL DEFAULT 0,
        ADD COLUMN paid_as          text,
        ADD COLUMN payment_flag     text,
        ADD COLUMN benefit_start    date,
        ADD COLUMN benefit_end      date,
        ADD COLUMN waiting_months   integer NOT NULL DEFAULT 0,
        ADD COLUMN double_cover     boolean NOT NULL DEFAULT false,
        ADD COLUMN cancel_reason    text,
        ADD COLUMN cancelled_at     timestamptz,
        ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now()`);
    // One live enrolment per person and season; a cancelled one may be followed by a new one
    // (transfer out, then in elsewhere).
    await q.query(
      `CREATE UNIQUE INDEX enrollments_live_person_season ON enrollment.enrollments (id_number, season) WHERE status <> 'CANCELLED'`,
    );
    await q.query(`CREATE INDEX enrollments_person ON enrollment.enrollments (id_number)`);
    await q.query(`
      CREATE TABLE enrollment.history (
        id            bigserial PRIMARY KEY,
        enrollment_id uuid        NOT NULL REFERENCES enrollment.enrollments (id),
        at            timestamptz NOT NULL DEFAULT now(),
        actor         text        NOT NULL,
        change        text        NOT NULL,
        details       jsonb       NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX history_enrollment ON enrollment.history (enrollment_id, id)`);
    await q.query(`
      CREATE TABLE enrollment.payments (
        voucher_no          text PRIMARY KEY,
        enrollment_id       uuid REFERENCES enrollment.enrollments (id),
        id_number           char(18)    NOT NULL,
        season              integer     NOT NULL,
        kind                text        NOT NULL CHECK (kind IN ('PAYMENT', 'REVERSAL')),
        original_voucher_no text,
        amount_fen          integer     NOT NULL,
        channel             text,
        paid_at             timestamptz NOT NULL,
        event_id            uuid        NOT NULL,
        recorded_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX payments_person_season ON enrollment.payments (id_number, season)`);
    await q.query(`
      CREATE TABLE enrollment.employee_insured (
        id_number    char(18) PRIMARY KEY,
        name         text,
        insured_from date,
        insured_to   date,
        listed_by    text        NOT NULL,
        listed_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment.employee_insured`);
    await q.query(`DROP TABLE enrollment.payments`);
    await q.query(`DROP TABLE enrollment.history`);
    await q.query(`DROP INDEX enrollment.enrollments_person`);
    await q.query(`DROP INDEX enrollment.enrollments_live_person_season`);
    await q.query(`
      ALTER TABLE enrollment.enrollments
        DROP COLUMN policy_id, DROP COLUMN details, DROP COLUMN standard_fen, DROP COLUMN amount_due_fen,
        DROP COLUMN subsidy_fen, DROP COLUMN subsidy_category, DROP COLUMN subsidy_mode, DROP COLUMN subsidy_reason,
        DROP COLUMN paid_fen, DROP COLUMN paid_as, DROP COLUMN payment_flag, DROP COLUMN benefit_start,
        DROP COLUMN benefit_end, DROP COLUMN waiting_months, DROP COLUMN double_cover, DROP COLUMN cancel_reason,
        DROP COLUMN cancelled_at, DROP COLUMN updated_at`);
    await q.query(
      `ALTER TABLE enrollment.enrollments ADD CONSTRAINT enrollments_person_season UNIQUE (id_number, season)`,
    );
  }
}
