import { MigrationInterface, QueryRunner } from 'typeorm';

/** Daily feed batches, the payments ledger unique by tax voucher, exceptions, late-feed alarms. */
export class FeedLedger1763800010000 implements MigrationInterface {
  name = 'FeedLedger1763800010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tax_feed.feeds (
        id                 uuid PRIMARY KEY,
        sha256             char(64)    NOT NULL UNIQUE, -- the same file again is the same feed
        feed_date          date        NOT NULL,
        region_code        char(6)     NOT NULL,
        declared_count     integer     NOT NULL,
        declared_total_fen bigint      NOT NULL,
        content_type       text        NOT NULL,
        size_bytes         bigint      NOT NULL,
        storage_path       text        NOT NULL,
        status             text        NOT NULL,
        submitted_by       text        NOT NULL,
        received_at        timestamptz NOT NULL DEFAULT now(),
        late               boolean     NOT NULL DEFAULT false,
        processed_lines    integer     NOT NULL DEFAULT 1,
        rows_read          integer     NOT NULL DEFAULT 0,
        applied            integer     NOT NULL DEFAULT 0,
        reversed           integer     NOT NULL DEFAULT 0,
        duplicates         integer     NOT NULL DEFAULT 0,
        quarantined        integer     NOT NULL DEFAULT 0,
        applied_total_fen  bigint      NOT NULL DEFAULT 0,
        error              text,
        finished_at        timestamptz
      )`);
    await q.query(`CREATE INDEX feeds_date_region ON tax_feed.feeds (feed_date, region_code)`);
    await q.query(`
      CREATE TABLE tax_feed.payments (
        voucher_no          text PRIMARY KEY,
        kind                text        NOT NULL CHECK (kind IN ('PAYMENT', 'REVERSAL')),
        original_voucher_no text,
        id_number           char(18)    NOT NULL,
        name                text        NOT NULL,
        region_code         char(6)     NOT NULL,
        township_code       text,
        village_code        text,
        season              integer     NOT NULL,
        amount_fen          integer     NOT NULL,
        channel             text,
        paid_at             timestamptz NOT NULL,
        feed_id             uuid        NOT NULL REFERENCES tax_feed.feeds (id),
        line_no             integer     NOT NULL,
        reversed_by         text
      )`);
    await q.query(`CREATE INDEX payments_feed ON tax_feed.payments (feed_id)`);
    await q.query(`CREATE INDEX payments_person ON tax_feed.payments (id_number, season)`);
    await q.query(`
      CREATE TABLE tax_feed.exceptions (
        feed_id    uuid    NOT NULL REFERENCES tax_feed.feeds (id),
        line_no    integer NOT NULL,
        kind       text    NOT NULL CHECK (kind IN ('QUARANTINED', 'DUPLICATE')),
        code       text    NOT NULL,
        message    text    NOT NULL,
        voucher_no text,
        channel    text,
        amount_fen integer,
        id_number  text, -- masked
        raw_line   text,  -- kept for the correction feed; never exported
        PRIMARY KEY (feed_id, line_no)
      )`);
    await q.query(`
      CREATE TABLE tax_feed.late_feeds (
        region_code char(6)     NOT NULL,
        feed_date   date        NOT NULL,
        raised_at   timestamptz NOT NULL DEFAULT now(),
        cleared_by  uuid,
        cleared_at  timestamptz,
        PRIMARY KEY (region_code, feed_date)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tax_feed.late_feeds`);
    await q.query(`DROP TABLE tax_feed.exceptions`);
    await q.query(`DROP TABLE tax_feed.payments`);
    await q.query(`DROP TABLE tax_feed.feeds`);
  }
}
