import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { fileJobColumnsSql } from '../../src/job/file-job.migration';
import { FileJobOptions, FileJobRecord, FileJobWork } from '../../src/job/file-job-runner';
import { TabularRow } from '../../src/tabular-rows';

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
  return url;
}

/** Letters only: checkpoint tables are named `schema.table` of [a-z_]. */
export function uniqueSchema(tag: string): string {
  const letters = [...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  return `${tag}_${letters}`;
}

function jobsMigration(schema: string): new () => MigrationInterface {
  return class TestJobs1764300000000 implements MigrationInterface {
    name = 'TestJobs1764300000000';
    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE TABLE ${schema}.jobs (
        id uuid PRIMARY KEY, storage_path text NOT NULL, content_type text NOT NULL, status text NOT NULL,
        processed_lines integer NOT NULL DEFAULT 0, error text, finished_at timestamptz)`);
      for (const sql of fileJobColumnsSql(`${schema}.jobs`)) await q.query(sql);
      // No unique constraint on purpose: a row applied twice shows up twice.
      await q.query(
        `CREATE TABLE ${schema}.effects (job_id uuid NOT NULL, line integer NOT NULL, value text)`,
      );
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE ${schema}.effects`);
      await q.query(`DROP TABLE ${schema}.jobs`);
    }
  };
}

export async function jobsDataSource(schema: string, migrate: boolean): Promise<DataSource> {
  const ds = createServiceDataSource({
    url: databaseUrl(),
    schema,
    migrations: migrate ? [jobsMigration(schema)] : [],
    poolSize: 4,
  });
  await ds.initialize();
  if (migrate) await migrateServiceSchema(ds);
  return ds;
}

export interface TestJob extends FileJobRecord {
  error: string | null;
}

export function testOptions(schema: string, over: Partial<FileJobOptions> = {}): FileJobOptions {
  return {
    table: `${schema}.jobs`,
    noun: 'job',
    chunkRows: 2,
    retryForMs: 2000,
    maxAttempts: 3,
    rawRetentionDays: 7,
    oneAtATime: true,
    uploadAgain: 'upload it again',
    ...over,
  };
}

/**
 * The work of a test job: each row becomes an effect row; the checkpoint moves with it. A row whose
 * `value` is `crash` kills the process (as an out-of-memory crash would), `throw` throws.
 */
export function testWork(
  ds: DataSource,
  schema: string,
  hooks: { afterChunk?: () => void } = {},
): FileJobWork<TestJob> {
  const toJob = (r: Record<string, unknown>): TestJob => ({
    id: r.id as string,
    storagePath: r.storage_path as string,
    contentType: r.content_type as string,
    processedLines: r.processed_lines as number,
    status: r.status as string,
    error: (r.error as string) ?? null,
  });
  return {
    async find(id) {
      const rows = await ds.query(`SELECT * FROM ${schema}.jobs WHERE id = $1`, [id]);
      return rows[0] ? toJob(rows[0]) : undefined;
    },
    async unfinished() {
      const rows = await ds.query(
        `SELECT * FROM ${schema}.jobs WHERE status IN ('RECEIVED', 'PROCESSING') ORDER BY storage_path`,
      );
      return rows.map(toJob);
    },
    async applyChunk(m: EntityManager, job, rows: TabularRow[]) {
      for (const r of rows) {
        if (r.values.value === 'crash') process.kill(process.pid, 'SIGKILL');
        if (r.values.value === 'throw') throw new Error(`row ${r.line} is bad for 11010519491231002X`);
      }
      await m.query(`INSERT INTO ${schema}.effects SELECT $1, * FROM unnest($2::int[], $3::text[])`, [
        job.id,
        rows.map((r) => r.line),
        rows.map((r) => r.values.value),
      ]);
      await m.query(`UPDATE ${schema}.jobs SET processed_lines = $2, status = 'PROCESSING' WHERE id = $1`, [
        job.id,
        rows[rows.length - 1].line,
      ]);
      hooks.afterChunk?.();
    },
    async complete(m, job) {
      await m.query(`UPDATE ${schema}.jobs SET status = 'DONE', finished_at = now() WHERE id = $1`, [job.id]);
    },
    async fail(id, reason) {
      await ds.query(
        `UPDATE ${schema}.jobs SET status = 'FAILED', error = $2, finished_at = now() WHERE id = $1`,
        [id, reason],
      );
    },
  };
}

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
