import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quotas, the per-person facts every figure is derived from, and the alerts this service raised.
 *
 * Facts are kept per event identity (a voucher, an enrolment, a refund, a transfer), never as running
 * totals: applying a fact twice changes nothing and facts of one person may arrive in any order across
 * topics, so every count is derived by query and converges whatever the interleaving. Dropping the
 * fact tables and replaying the topics (rebuild) gives the same figures.
 */
export class ReportingProjections1763800006000 implements MigrationInterface {
  name = 'ReportingProjections1763800006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.registration_progress`);
    await q.query(`
      CREATE TABLE reporting.quota_unit (
        season       integer NOT NULL,
        region_code  char(6) NOT NULL,
        unit_code    text    NOT NULL,
        unit_name    text    NOT NULL,
        parent_code  text,
        level        text    NOT NULL CHECK (level IN ('COUNTY','TOWNSHIP','VILLAGE')),
        quota        integer NOT NULL CHECK (quota >= 0),
        population   integer,
        PRIMARY KEY (season, unit_code)
      )`);
    await q.query(`
      CREATE TABLE reporting.quota_import (
        id            uuid PRIMARY KEY,
        season        integer NOT NULL,
        region_code   char(6) NOT NULL,
        source        text    NOT NULL,
        imported_by   text    NOT NULL,
        units         integer NOT NULL,
        rows_total    integer NOT NULL,
        mismatches    jsonb   NOT NULL,
        imported_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE reporting.fact_registration (
        enrollment_id  uuid PRIMARY KEY,
        id_number      char(18) NOT NULL,
        name           text     NOT NULL,
        season         integer  NOT NULL,
        region_code    char(6)  NOT NULL,
        township_code  text,
        village_code   text,
        kind           text     NOT NULL,
        amount_due_fen integer  NOT NULL,
        registered_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX fact_registration_person ON reporting.fact_registration (id_number, season)`);
    await q.query(`
      CREATE TABLE reporting.fact_activation (
        enrollment_id  uuid     NOT NULL,
        activated_at   timestamptz NOT NULL,
        id_number      char(18) NOT NULL,
        season         integer  NOT NULL,
        region_code    char(6)  NOT NULL,
        township_code  text,
        village_code   text,
        paid_as        text     NOT NULL,
        paid_fen       integer  NOT NULL,
        PRIMARY KEY (enrollment_id, activated_at)
      )`);
    await q.query(`CREATE INDEX fact_activation_person ON reporting.fact_activation (id_number, season)`);
    await q.query(`
      CREATE TABLE reporting.fact_cancellation (
        enrollment_id  uuid PRIMARY KEY,
        id_number      char(18) NOT NULL,
        season         integer  NOT NULL,
        region_code    char(6)  NOT NULL,
        reason         text     NOT NULL,
        effective_date date     NOT NULL,
        cancelled_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX fact_cancellation_person ON reporting.fact_cancellation (id_number, season)`);
    await q.query(`
      CREATE TABLE reporting.fact_payment (
        voucher_no     text PRIMARY KEY,
        id_number      char(18) NOT NULL,
        name           text     NOT NULL,
        season         integer  NOT NULL,
        region_code    char(6)  NOT NULL,
        township_code  text,
        village_code   text,
        amount_fen     integer  NOT NULL,
        channel        text     NOT NULL,
        paid_at        timestamptz NOT NULL,
        paid_date      date     NOT NULL,
        feed_id        uuid     NOT NULL
      )`);
    await q.query(`CREATE INDEX fact_payment_person ON reporting.fact_payment (id_number, season)`);
    await q.query(`
      CREATE TABLE reporting.fact_reversal (
        voucher_no          text PRIMARY KEY,
        original_voucher_no text     NOT NULL,
        id_number           char(18) NOT NULL,
        season              integer  NOT NULL,
        region_code         char(6)  NOT NULL,
        amount_fen          integer  NOT NULL,
        reversed_at         timestamptz NOT NULL,
        reversed_date       date     NOT NULL
      )`);
    await q.query(`CREATE INDEX fact_reversal_person ON reporting.fact_reversal (id_number, season)`);
    await q.query(`
      CREATE TABLE reporting.fact_assessment (
        id_number      char(18) NOT NULL,
        season         integer  NOT NULL,
        region_code    char(6)  NOT NULL,
        category       text,
        mode           text,
        route          text,
        subsidy_fen    integer  NOT NULL,
        amount_due_fen integer  NOT NULL,
        assessed_at    timestamptz NOT NULL,
        PRIMARY KEY (id_number, season)
      )`);
    await q.query(`
      CREATE TABLE reporting.fact_refund (
        refund_id   uuid PRIMARY KEY,
        id_number   char(18) NOT NULL,
        season      integer  NOT NULL,
        region_code char(6)  NOT NULL,
        amount_fen  integer  NOT NULL,
        reason      text     NOT NULL,
        paid_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX fact_refund_person ON reporting.fact_refund (id_number, season)`);
    // Request and settlement of one transfer may arrive in either order: one row, each side fills its columns.
    await q.query(`
      CREATE TABLE reporting.fact_transfer (
        transfer_id    uuid PRIMARY KEY,
        id_number      char(18) NOT NULL,
        season         integer  NOT NULL,
        region_code    char(6),
        category       text,
        route          text,
        requested_fen  integer,
        transfer_month text,
        requested_at   timestamptz,
        settled_status text,
        settled_fen    integer,
        settled_at     timestamptz
      )`);
    await q.query(`
      CREATE TABLE reporting.fact_feed (
        feed_id           uuid PRIMARY KEY,
        region_code       char(6) NOT NULL,
        feed_date         date    NOT NULL,
        applied           integer NOT NULL,
        applied_total_fen bigint  NOT NULL,
        late              boolean NOT NULL,
        accepted_at       timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE reporting.fact_feed_late (
        region_code char(6) NOT NULL,
        feed_date   date    NOT NULL,
        deadline    timestamptz NOT NULL,
        raised_at   timestamptz NOT NULL,
        PRIMARY KEY (region_code, feed_date)
      )`);
    // Not a projection: the record of report.alert.raised events this service published. One row per
    // unit, rule and streak, so a streak raises one alert however many events or checks follow.
    await q.query(`
      CREATE TABLE reporting.ranking_alert (
        alert_id    uuid PRIMARY KEY,
        season      integer NOT NULL,
        region_code char(6) NOT NULL,
        unit_code   text    NOT NULL,
        kind        text    NOT NULL,
        since       date    NOT NULL,
        week_ending date    NOT NULL,
        detail      jsonb   NOT NULL,
        raised_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (season, unit_code, kind, since)
      )`);
    // Not a projection: the reason a township recorded for a hardship person not enrolled (台账).
    await q.query(`
      CREATE TABLE reporting.hardship_reason (
        id_number   char(18) NOT NULL,
        season      integer  NOT NULL,
        reason      text     NOT NULL,
        recorded_by text     NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id_number, season)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'hardship_reason',
      'ranking_alert',
      'fact_feed_late',
      'fact_feed',
      'fact_transfer',
      'fact_refund',
      'fact_assessment',
      'fact_reversal',
      'fact_payment',
      'fact_cancellation',
      'fact_activation',
      'fact_registration',
      'quota_import',
      'quota_unit',
    ])
      await q.query(`DROP TABLE reporting.${t}`);
    await q.query(`
      CREATE TABLE reporting.registration_progress (
        season integer NOT NULL, region_code char(6) NOT NULL, township_code text NOT NULL,
        village_code text NOT NULL, registered integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (season, region_code, township_code, village_code))`);
  }
}
