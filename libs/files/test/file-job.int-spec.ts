import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { FileJobRunner } from '../src/job/file-job-runner';
import { privateUploadStore } from '../src/job/private-storage';
import { jobsDataSource, silentLog, TestJob, testOptions, testWork, uniqueSchema } from './support/test-jobs';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Runs the job process fixture as a service boot; resolves with its exit code or signal. */
function boot(schema: string, maxAttempts: number): Promise<number | string> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, 'fixtures/job-process.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SCHEMA: schema,
        MAX_ATTEMPTS: String(maxAttempts),
        SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
}

describe('the resumable file job (libs/files), against real Postgres', () => {
  const schema = uniqueSchema('filejob');
  const dir = mkdtempSync(path.join(tmpdir(), 'filejob-test-'));
  let ds: DataSource;

  beforeAll(async () => {
    ds = await jobsDataSource(schema, true);
  });

  afterAll(async () => {
    await ds?.query(`DROP SCHEMA ${schema} CASCADE`);
    await ds?.destroy();
  });

  function csv(values: string[], name: string = randomUUID()): string {
    const file = path.join(dir, `${name}.csv`); // unfinished jobs are run in the order of these names
    writeFileSync(file, ['value', ...values].join('\n') + '\n');
    return file;
  }

  async function addJob(file: string, status = 'RECEIVED'): Promise<TestJob> {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO ${schema}.jobs (id, storage_path, content_type, status) VALUES ($1, $2, 'text/csv', $3)`,
      [id, file, status],
    );
    return (await testWork(ds, schema).find(id))!;
  }

  const effects = async (id: string): Promise<number[]> =>
    (await ds.query(`SELECT line FROM ${schema}.effects WHERE job_id = $1 ORDER BY line`, [id])).map(
      (r: { line: number }) => r.line,
    );
  const job = async (id: string) => (await ds.query(`SELECT * FROM ${schema}.jobs WHERE id = $1`, [id]))[0];
  const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('stores uploads in a private directory (0700, created or tightened), by content hash: the same bytes once', async () => {
    const fresh = path.join(dir, 'uploads', 'nested');
    const store = privateUploadStore(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const a = await store.save(Readable.from([Buffer.from('value\n1\n')]), 1024);
    const b = await store.save(Readable.from([Buffer.from('value\n'), Buffer.from('1\n')]), 1024);
    expect(b).toEqual(a);
    expect(path.dirname(a.path)).toBe(fresh);
    const loose = path.join(dir, 'loose');
    privateUploadStore(loose);
    chmodSync(loose, 0o755);
    privateUploadStore(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o700);
  });

  it('resumes a stopped job from its checkpoint, applying every row exactly once', async () => {
    const j = await addJob(csv(['a', 'b', 'c', 'd', 'e', 'f', 'g'])); // lines 2..8, chunks of 2
    // Stopped (as at SIGTERM) right after its first chunk commits.
    const first: FileJobRunner<TestJob> = new FileJobRunner(
      ds,
      testWork(ds, schema, { afterChunk: () => void first.stop() }),
      testOptions(schema),
      silentLog,
    );
    await first.process(j);
    await first.stop();
    expect(await effects(j.id)).toEqual([2, 3]);
    expect(await job(j.id)).toMatchObject({ status: 'PROCESSING', processed_lines: 3 });

    const second = new FileJobRunner(ds, testWork(ds, schema), testOptions(schema), silentLog);
    await second.process((await testWork(ds, schema).find(j.id))!);
    await second.stop();
    expect(await effects(j.id)).toEqual(lines(2, 8));
    expect(await job(j.id)).toMatchObject({ status: 'DONE', processed_lines: 8 });
  });

  it('fails a job whose stored file is gone, saying so, and one that throws, with ID numbers masked', async () => {
    const gone = await addJob(path.join(dir, 'never-stored.csv'));
    const bad = await addJob(csv(['a', 'b', 'throw', 'c']));
    const runner = new FileJobRunner(ds, testWork(ds, schema), testOptions(schema), silentLog);
    await Promise.all([runner.process(gone), runner.process(bad)]);
    await runner.stop();
    expect(await job(gone.id)).toMatchObject({
      status: 'FAILED',
      error: 'the uploaded file is no longer in storage; upload it again',
    });
    const failed = await job(bad.id);
    expect(failed).toMatchObject({ status: 'FAILED', processed_lines: 3, set_aside_at: null });
    expect(failed.error).toBe('row 4 is bad for 110105********002X');
    expect(await effects(bad.id)).toEqual([2, 3]);
  });

  it('sets aside a file that crashed the process at every start, and never queues it again', async () => {
    await ds.query(`UPDATE ${schema}.jobs SET status = 'DONE' WHERE status IN ('RECEIVED', 'PROCESSING')`);
    const good = await addJob(csv(['a', 'b', 'c'], '1-good'));
    const poison = await addJob(csv(['a', 'b', 'c', 'crash', 'd'], '2-poison'));
    // The poisonous chunk (lines 4-5) kills the process at every start; the first start got past
    // line 3 before, so the count of starts without progress begins at the second.
    expect(await boot(schema, 2)).toBe('SIGKILL');
    expect(await job(good.id)).toMatchObject({ status: 'DONE' });
    expect(await job(poison.id)).toMatchObject({ status: 'PROCESSING', processed_lines: 3, attempts: 1 });
    expect(await boot(schema, 2)).toBe('SIGKILL');
    expect(await job(poison.id)).toMatchObject({ status: 'PROCESSING', processed_lines: 3, attempts: 1 });
    expect(await boot(schema, 2)).toBe('SIGKILL');
    expect(await job(poison.id)).toMatchObject({ status: 'PROCESSING', processed_lines: 3, attempts: 2 });
    // The next start sets it aside instead of running it, and the service comes up.
    expect(await boot(schema, 2)).toBe(0);
    const aside = await job(poison.id);
    expect(aside).toMatchObject({ status: 'FAILED', processed_lines: 3, attempts: 3 });
    expect(aside.set_aside_at).not.toBeNull();
    expect(aside.error).toMatch(/^set aside: processing this file stopped 2 times after line 3/);
    // Later starts leave it alone; the rows before the crash were applied once, the good file whole.
    expect(await boot(schema, 2)).toBe(0);
    expect(await job(poison.id)).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(await effects(poison.id)).toEqual([2, 3]);
    expect(await effects(good.id)).toEqual([2, 3, 4]);
  }, 120_000);

  it('counts only starts that made no progress: a job killed after moving on is resumed, not set aside', async () => {
    const j = await addJob(csv(['a', 'b', 'c', 'd', 'e']));
    // Two earlier starts, each of which got further than the one before.
    await ds.query(
      `UPDATE ${schema}.jobs SET attempts = 5, attempt_from_line = 1, processed_lines = 3 WHERE id = $1`,
      [j.id],
    );
    const runner = new FileJobRunner(
      ds,
      testWork(ds, schema),
      testOptions(schema, { maxAttempts: 1 }),
      silentLog,
    );
    await runner.process((await testWork(ds, schema).find(j.id))!);
    await runner.stop();
    expect(await job(j.id)).toMatchObject({ status: 'DONE', attempts: 1, processed_lines: 6 });
    expect(await effects(j.id)).toEqual([4, 5, 6]);
  });

  it('deletes raw files of jobs finished longer ago than the retention, and only those', async () => {
    await ds.query(`UPDATE ${schema}.jobs SET raw_deleted_at = now()`);
    const now = new Date('2026-11-27T12:00:00Z');
    const oldDone = await addJob(csv(['a']), 'DONE');
    const oldFailed = await addJob(csv(['a', 'b']), 'FAILED');
    const recent = await addJob(csv(['a', 'b', 'c']), 'DONE');
    const sharedFile = csv(['same', 'bytes']);
    const oldShared = await addJob(sharedFile, 'DONE');
    const againUnfinished = await addJob(sharedFile, 'PROCESSING');
    const at = (days: number) => new Date(now.getTime() - days * 86_400_000);
    for (const [j, days] of [
      [oldDone, 8],
      [oldFailed, 30],
      [recent, 6],
      [oldShared, 9],
    ] as const)
      await ds.query(`UPDATE ${schema}.jobs SET finished_at = $2 WHERE id = $1`, [j.id, at(days)]);
    const runner = new FileJobRunner(ds, testWork(ds, schema), testOptions(schema), silentLog, () => now);
    expect(await runner.sweepRawFiles()).toBe(2);
    expect(existsSync(oldDone.storagePath)).toBe(false);
    expect(existsSync(oldFailed.storagePath)).toBe(false);
    expect(existsSync(recent.storagePath)).toBe(true);
    expect(existsSync(sharedFile)).toBe(true); // a job still to run uses the same bytes
    expect((await job(oldDone.id)).raw_deleted_at).toEqual(now);
    expect((await job(recent.id)).raw_deleted_at).toBeNull();
    expect(await runner.sweepRawFiles()).toBe(0);
    await ds.query(`UPDATE ${schema}.jobs SET status = 'DONE' WHERE id = $1`, [againUnfinished.id]);
    expect(await runner.sweepRawFiles()).toBe(1);
    expect(existsSync(sharedFile)).toBe(false);
    await runner.stop();
  });
});
