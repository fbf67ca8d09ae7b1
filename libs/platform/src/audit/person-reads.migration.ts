import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';

/**
 * `person_reads` in the service's own schema: who (key holder and role) read which person's record,
 * through which route, when. One row per person per read. The ID number is kept in full, in the
 * schema that already holds the person's records, so an auditor can ask about one person; it
 * leaves only to the auditor who supplies it. Every service lists this migration (the kernel adds it).
 */
export function personReadsMigration(schema: string): new () => MigrationInterface {
  const s = assertIdentifier(schema);
  return class PersonReads1764300060000 implements MigrationInterface {
    name = 'PersonReads1764300060000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`
        CREATE TABLE "${s}".person_reads (
          id        bigserial   PRIMARY KEY,
          read_at   timestamptz NOT NULL,
          holder    text        NOT NULL,
          role      text        NOT NULL,
          route     text        NOT NULL,
          id_number char(18)    NOT NULL
        )`);
      await q.query(`CREATE INDEX person_reads_person ON "${s}".person_reads (id_number, read_at)`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${s}".person_reads`);
    }
  };
}
