import { MigrationInterface, QueryRunner } from 'typeorm';

export class Enrollments1763800001000 implements MigrationInterface {
  name = 'Enrollments1763800001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrollment.enrollments (
        id             uuid PRIMARY KEY,
        id_number      char(18)    NOT NULL,
        name           text        NOT NULL,
        season         integer     NOT NULL,
        region_code    char(6)     NOT NULL,
        township_code  char(9),
        village_code   char(12),
        kind           text        NOT NULL,
        status         text        NOT NULL DEFAULT 'REGISTERED',
        registered_by  text        NOT NULL,
        registered_at  timestamptz NOT NULL DEFAULT now(),
        -- 一人一季一次参保: one enrolment per person per season, enforced by the database itself
        CONSTRAINT enrollments_person_season UNIQUE (id_number, season)
      )`);
    await q.query(`CREATE INDEX enrollments_township ON enrollment.enrollments (season, township_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment.enrollments`);
  }
}
