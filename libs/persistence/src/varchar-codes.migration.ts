import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from './database-url';

/** Table -> column -> the length its `char(n)` had (and its `varchar(n)` keeps). */
export type FixedWidthColumns = Record<string, Record<string, number>>;

/**
 * `char(n)` columns become `varchar(n)`. Postgres compares `bpchar` with `text` as text, after
 * casting the column, so the column's btree index cannot serve the comparison: every set-based
 * statement joining `unnest($1::text[])` to a table by `id_number` read the whole table (a hash join
 * over a sequential scan), and a consumer's cost per batch grew with the table — the daily feed
 * slowed as it went. A `varchar` column is binary-compatible with `text`, so the same statements use
 * the index. The length limit stays; codes in these columns never end in spaces (what `char`
 * would strip), so no value changes.
 */
export function varcharCodesMigration(
  schema: string,
  columns: FixedWidthColumns,
  migrationName = 'VarcharCodes1764700000000',
): new () => MigrationInterface {
  const s = assertIdentifier(schema);
  const alter = (type: (n: number) => string) =>
    Object.entries(columns).map(
      ([table, cols]) =>
        `ALTER TABLE "${s}"."${assertIdentifier(table)}" ` +
        Object.entries(cols)
          .map(([c, n]) => `ALTER COLUMN "${assertIdentifier(c)}" TYPE ${type(n)}`)
          .join(', '),
    );
  return class VarcharCodes implements MigrationInterface {
    name = migrationName;

    async up(q: QueryRunner): Promise<void> {
      for (const statement of alter((n) => `varchar(${n})`)) await q.query(statement);
    }

    async down(q: QueryRunner): Promise<void> {
      for (const statement of alter((n) => `char(${n})`)) await q.query(statement);
    }
  };
}
