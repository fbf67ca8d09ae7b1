import { MigrationInterface, QueryRunner } from 'typeorm';

/** Batch imports (school lists, renewal runs, newborns, deaths): one row per file, its rejects. */
export class EnrolmentBatches1763800003000 implements MigrationInterface {
  name = 'EnrolmentBatches1763800003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrollment.batches (
        id              uuid PRIMARY KEY,
        sha256          char(64)    NOT NULL,
        batch_type      text        NOT NULL,
        file_name       text,
        content_type    text        NOT NULL,
        size_bytes      bigint      NOT NULL,
        storage_path    text        NOT NULL,
        status          text        NOT NULL,
        submitted_by    text        NOT NULL,
        submitted_at    timestamptz NOT NULL DEFAULT now(),
        processed_lines integer     NOT NULL DEFAULT 0,
        accepted        integer     NOT NULL DEFAULT 0,
        rejected        integer     NOT NULL DEFAULT 0,
        error           text,
        finished_at     timestamptz,
        -- the same content is the same batch: sending a file twice enrols nobody twice
        CONSTRAINT batches_content UNIQUE (batch_type, sha256)
      )`);
    await q.query(`
      CREATE TABLE enrollment.batch_rejects (
        batch_id   uuid    NOT NULL REFERENCES enrollment.batches (id),
        line_no    integer NOT NULL,
        id_number  text,
        code       text    NOT NULL,
        message    text    NOT NULL,
        PRIMARY KEY (batch_id, line_no)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment.batch_rejects`);
    await q.query(`DROP TABLE enrollment.batches`);
  }
}
