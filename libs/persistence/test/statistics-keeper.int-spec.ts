import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createServiceDataSource } from '../src/service-data-source';
import { StatisticsKeeper } from '../src/statistics-keeper';

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
  return url;
}

const schema = `stats_${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;

describe('the statistics keeper, against real Postgres', () => {
  let ds: DataSource;
  let keeper: StatisticsKeeper;

  /** The plan Postgres picks for a lookup of 300 people by `= ANY`, as the consumers write it. */
  async function lookupPlan(): Promise<string> {
    const ids = Array.from({ length: 300 }, (_, i) => `P${String(i * 97).padStart(8, '0')}`);
    const rows: { 'QUERY PLAN': string }[] = await ds.query(
      `EXPLAIN SELECT * FROM ${schema}.ledger WHERE person = ANY($1::text[])`,
      [ids],
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /** Writes rows in one transaction and makes its counts visible to pg_stat_user_tables now. */
  async function write(sql: string): Promise<void> {
    const c = new Client({ connectionString: databaseUrl() });
    await c.connect();
    try {
      await c.query(sql);
      await c.query('SELECT pg_stat_force_next_flush()');
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    ds = createServiceDataSource({ url: databaseUrl(), schema, migrations: [], poolSize: 3 });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA ${schema}`);
    await ds.query(
      `CREATE TABLE ${schema}.ledger (id bigint PRIMARY KEY, person text NOT NULL, fen integer)`,
    );
    await ds.query(`CREATE INDEX ledger_person ON ${schema}.ledger (person)`);
    await ds.query(`CREATE TABLE ${schema}.small (id integer PRIMARY KEY)`);
    await ds.query(`CREATE TABLE ${schema}.outbox (id bigint PRIMARY KEY, envelope jsonb)`);
    keeper = new StatisticsKeeper({ dataSource: ds, schema, intervalMs: 0 });
  });

  afterAll(async () => {
    await ds?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await ds?.destroy();
  });

  it('analyses a table that changed a lot, so a lookup by a list of keys uses its index', async () => {
    await write(
      `INSERT INTO ${schema}.ledger SELECT g, 'P' || lpad(g::text, 8, '0'), 100 FROM generate_series(1, 60000) g;
       INSERT INTO ${schema}.small SELECT g FROM generate_series(1, 10) g;
       INSERT INTO ${schema}.outbox SELECT g, '{}' FROM generate_series(1, 5000) g;`,
    );
    // Without statistics Postgres takes 300 keys to match most of the table and reads all of it.
    expect(await lookupPlan()).toMatch(/Seq Scan on ledger/);

    expect(await keeper.runOnce()).toEqual(['ledger']);

    expect(await lookupPlan()).not.toMatch(/Seq Scan/);
    const [{ analysed }] = await ds.query(
      `SELECT count(*)::int AS analysed FROM pg_stats WHERE schemaname = $1 AND tablename = 'ledger'`,
      [schema],
    );
    expect(analysed).toBe(3);
  });

  it('leaves a table alone until enough of it changed again, and never samples the outbox', async () => {
    await write(`UPDATE ${schema}.ledger SET fen = fen + 1 WHERE id <= 10000`);
    expect(await keeper.runOnce()).toEqual([]);
    await write(`UPDATE ${schema}.ledger SET fen = fen + 1 WHERE id > 10000`);
    expect(await keeper.runOnce()).toEqual(['ledger']);
    const [{ outbox }] = await ds.query(
      `SELECT count(*)::int AS outbox FROM pg_stats WHERE schemaname = $1 AND tablename = 'outbox'`,
      [schema],
    );
    expect(outbox).toBe(0);
  });

  it('skips a pass while another replica holds the schema’s turn', async () => {
    await write(`UPDATE ${schema}.ledger SET fen = fen + 1`);
    const other = new Client({ connectionString: databaseUrl() });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext($1))`, [`statistics-keeper:${schema}`]);
      expect(await keeper.runOnce()).toEqual([]);
      await other.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`statistics-keeper:${schema}`]);
      expect(await keeper.runOnce()).toEqual(['ledger']);
    } finally {
      await other.end();
    }
  });
});
