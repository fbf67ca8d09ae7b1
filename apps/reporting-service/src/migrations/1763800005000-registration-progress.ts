import { MigrationInterface, QueryRunner } from 'typeorm';

export class RegistrationProgress1763800005000 implements MigrationInterface {
  name = 'RegistrationProgress1763800005000';

  async up(q: QueryRunner): Promise<void> {
    // Projection of enrollment.registered: how many registered per season and area. '' stands for
    // "not given" so the key stays a plain primary key.
    await q.query(`
      CREATE TABLE reporting.registration_progress (
        season        integer NOT NULL,
        region_code   char(6) NOT NULL,
        township_code text    NOT NULL,
        village_code  text    NOT NULL,
        registered    integer NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (season, region_code, township_code, village_code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.registration_progress`);
  }
}
