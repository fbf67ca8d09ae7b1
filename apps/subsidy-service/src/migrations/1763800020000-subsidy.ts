import { MigrationInterface, QueryRunner } from 'typeorm';

/** Roster uploads (staged, approved by a second person), identity periods, enrolments seen, assessments, transfers. */
export class Subsidy1763800020000 implements MigrationInterface {
  name = 'Subsidy1763800020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subsidy.roster_uploads (
        id            uuid PRIMARY KEY,
        source        text        NOT NULL,
        as_of         date        NOT NULL,
        sha256        char(64)    NOT NULL,
        status        text        NOT NULL CHECK (status IN ('STAGED', 'APPROVED', 'REJECTED')),
        uploaded_by   text        NOT NULL,
        uploaded_role text        NOT NULL,
        uploaded_at   timestamptz NOT NULL DEFAULT now(),
        decided_by    text,
        decided_at    timestamptz,
        decision_note text,
        rows_read     integer     NOT NULL DEFAULT 0,
        rows_staged   integer     NOT NULL DEFAULT 0,
        rows_rejected integer     NOT NULL DEFAULT 0,
        summary       jsonb,
        CONSTRAINT roster_uploads_content UNIQUE (source, as_of, sha256)
      )`);
    await q.query(`
      CREATE TABLE subsidy.roster_rows (
        upload_id             uuid     NOT NULL REFERENCES subsidy.roster_uploads (id),
        id_number             char(18) NOT NULL,
        name                  text     NOT NULL,
        category              text     NOT NULL,
        certified_region_code char(6)  NOT NULL,
        valid_from            date     NOT NULL,
        valid_to              date,
        line_no               integer  NOT NULL,
        PRIMARY KEY (upload_id, id_number, category)
      )`);
    await q.query(`
      CREATE TABLE subsidy.roster_rejects (
        upload_id uuid    NOT NULL REFERENCES subsidy.roster_uploads (id),
        line_no   integer NOT NULL,
        id_number text,
        code      text    NOT NULL,
        message   text    NOT NULL,
        PRIMARY KEY (upload_id, line_no)
      )`);
    // 身份期间: one row per continuous period a source certified a person in a category.
    await q.query(`
      CREATE TABLE subsidy.identities (
        id                    bigserial PRIMARY KEY,
        id_number             char(18) NOT NULL,
        source                text     NOT NULL,
        category              text     NOT NULL,
        certified_region_code char(6)  NOT NULL,
        valid_from            date     NOT NULL,
        valid_to              date,
        opened_by             uuid     NOT NULL,
        closed_by             uuid
      )`);
    await q.query(`CREATE INDEX identities_person ON subsidy.identities (id_number)`);
    await q.query(
      `CREATE INDEX identities_open ON subsidy.identities (source, id_number) WHERE closed_by IS NULL`,
    );
    await q.query(`
      CREATE TABLE subsidy.enrolments (
        id_number       char(18)    NOT NULL,
        season          integer     NOT NULL,
        region_code     char(6)     NOT NULL,
        enrollment_id   uuid        NOT NULL,
        status          text        NOT NULL,
        paid_fen        integer     NOT NULL DEFAULT 0,
        paid_in_full_on date,
        PRIMARY KEY (id_number, season)
      )`);
    await q.query(`
      CREATE TABLE subsidy.assessments (
        id_number      char(18)    NOT NULL,
        season         integer     NOT NULL,
        policy_id      text        NOT NULL,
        category       text,
        subsidy_fen    integer     NOT NULL,
        mode           text,
        amount_due_fen integer     NOT NULL,
        route          text,
        reason         text        NOT NULL,
        assessed_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id_number, season)
      )`);
    await q.query(`
      CREATE TABLE subsidy.transfers (
        id            uuid PRIMARY KEY,
        id_number     char(18)    NOT NULL,
        season        integer     NOT NULL,
        region_code   char(6)     NOT NULL,
        match_month   char(7)     NOT NULL,
        transfer_month char(7)    NOT NULL,
        amount_fen    integer     NOT NULL CHECK (amount_fen > 0),
        category      text        NOT NULL,
        route         text        NOT NULL,
        status        text        NOT NULL CHECK (status IN ('REQUESTED', 'PAID', 'FAILED')),
        reason        text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        settled_at    timestamptz,
        failure       text
      )`);
    // Never twice per person and season (a failed one may be retried by a later run).
    await q.query(
      `CREATE UNIQUE INDEX transfers_once ON subsidy.transfers (id_number, season) WHERE status <> 'FAILED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'transfers',
      'assessments',
      'enrolments',
      'identities',
      'roster_rejects',
      'roster_rows',
      'roster_uploads',
    ])
      await q.query(`DROP TABLE subsidy.${t}`);
  }
}
