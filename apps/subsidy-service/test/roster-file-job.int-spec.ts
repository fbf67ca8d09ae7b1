import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { FILE_FORMATS } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { StoredFile } from '@urrbmi/files';
import { messagingMigrations } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema, recreateDatabase } from '@urrbmi/persistence';
import { Clock, loadSettings, StructuredLogger } from '@urrbmi/platform';
import { loadPolicies, PolicyRegistry } from '@urrbmi/policy';
import { DecideRosterCommand, RosterDecision, StageRosterCommand } from '../src/rosters/roster.commands';
import { ApproveRosterHandler, StageRosterHandler } from '../src/rosters/roster.handlers';
import { RosterRepository, RosterUpload } from '../src/rosters/roster.repository';
import { RosterProcessor } from '../src/rosters/roster-processor';
import { RosterSettings } from '../src/rosters/roster-settings';
import { subsidyService } from '../src/subsidy-service.definition';
import { AssessSubsidyHandler } from '../src/assessment/assess-subsidy.handler';
import { principal } from './subsidy-desk';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const HEADER = FILE_FORMATS.roster.columns.map((c) => c.name).join(',');
const clerk = principal('ca-clerk', 'civil-affairs');
const checker = principal('ca-checker', 'civil-affairs');

/** A database of this file's own: the child processes below resume every unfinished roster in it. */
async function freshDatabase(): Promise<string> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_rosterjob_test`;
  await recreateDatabase(url.toString());
  return url.toString();
}

/** The n-th person of Minquan (411421): 1,000 a birth date from 1972-01-01. */
function idOf(n: number): string {
  const first17 = `4114211972${String(1 + Math.floor(n / 28_000)).padStart(2, '0')}${String(1 + (Math.floor(n / 1000) % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

const row = (n: number, name = '低保户') => `${idOf(n)},${name},MINIMUM_LIVING,411421,,`;
const people = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => row(from + i));

describe('rosters on the resumable file job (processor and StageRoster, real Postgres)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-file-job-'));
  const clock = new Clock('2023-12-05T10:00:00+08:00');
  const quiet = new StructuredLogger('subsidy-service', 'silent');
  const policies = new PolicyRegistry(loadPolicies());
  let url: string;
  let ds: DataSource;
  let rosters: RosterRepository;

  const settings = (over: Record<string, string> = {}) =>
    loadSettings(RosterSettings, { ROSTER_STORAGE_DIR: dir, ROSTER_MAX_ATTEMPTS: '2', ...over });
  const processorOf = (repo = rosters, over: Record<string, string> = {}) =>
    new RosterProcessor(ds, repo, policies, clock, quiet, settings(over));

  beforeAll(async () => {
    url = await freshDatabase();
    ds = createServiceDataSource({
      url,
      schema: 'subsidy',
      migrations: [...messagingMigrations('subsidy'), ...subsidyService.migrations],
      poolSize: 6,
    });
    await ds.initialize();
    await migrateServiceSchema(ds);
    rosters = new RosterRepository(ds, clock);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  /** A roster file in the private store, named by its SHA-256 as the upload store names it. */
  function stored(rows: string[]): StoredFile {
    const body = Buffer.from([HEADER, ...rows].join('\n') + '\n');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const file = path.join(dir, `${sha256}.upload`);
    writeFileSync(file, body);
    return { path: file, sha256, sizeBytes: body.length };
  }

  /** A roster job as an upload leaves it before its first chunk: PROCESSING from line 1. */
  async function job(rows: string[], asOf = '2023-11-01'): Promise<RosterUpload> {
    const file = stored(rows);
    return (await rosters.create({
      id: randomUUID(),
      source: 'CIVIL_AFFAIRS',
      asOf,
      sha256: file.sha256,
      uploadedBy: clerk.holder,
      uploadedRole: clerk.role,
      snapshotRegion: null,
      storagePath: file.path,
      contentType: 'text/csv',
      sizeBytes: file.sizeBytes,
    }))!;
  }

  /** A service boot reduced to the roster job (fixtures/roster-job-process.ts); its exit code or signal. */
  function boot(env: Record<string, string> = {}): Promise<number | string> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(__dirname, 'fixtures/roster-job-process.ts')],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: url,
          ROSTER_STORAGE_DIR: dir,
          ROSTER_MAX_ATTEMPTS: '2',
          SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
          ...env,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  }

  async function jobRow(id: string) {
    const [r] = await ds.query(
      `SELECT status, processed_lines, rows_read, rows_staged, rows_rejected, attempts, error, set_aside_at
         FROM subsidy.roster_uploads WHERE id = $1`,
      [id],
    );
    return r;
  }

  /** Staged rows and distinct lines among them. */
  async function stagedLines(id: string): Promise<{ rows: number; lines: number }> {
    const [r] = await ds.query(
      `SELECT count(*)::int AS rows, count(DISTINCT line_no)::int AS lines FROM subsidy.roster_rows WHERE upload_id = $1`,
      [id],
    );
    return r;
  }

  async function until(id: string, done: (u: RosterUpload) => boolean): Promise<RosterUpload> {
    for (let i = 0; i < 600; i++) {
      const u = (await rosters.find(id))!;
      if (done(u)) return u;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`roster ${id} did not get there`);
  }

  it('resumes a roster stopped after its first chunk from the checkpoint: every row staged once, duplicates across chunks still found', async () => {
    // 11,000 people (lines 2..11001), then in the third chunk a bad ID and the first person again.
    const bad = `${idOf(7000).slice(0, 17)}${idOf(7000)[17] === '1' ? '2' : '1'},错,MINIMUM_LIVING,411421,,`;
    const rows = [...people(0, 11_000), bad, row(0, '重复')];
    const upload = await job(rows);

    // Stopped (as at SIGTERM) as soon as its first chunk commits.
    const stopping = new RosterRepository(ds, clock);
    const checkpoint = stopping.checkpoint.bind(stopping);
    const first = processorOf(stopping);
    stopping.checkpoint = async (...args) => {
      await checkpoint(...args);
      void first.onApplicationShutdown();
    };
    await first.process(upload);
    await first.onApplicationShutdown();
    expect(await jobRow(upload.id)).toMatchObject({
      status: 'PROCESSING',
      processed_lines: 5001,
      rows_read: 5000,
      rows_staged: 5000,
    });
    expect(await stagedLines(upload.id)).toEqual({ rows: 5000, lines: 5000 });

    // The next start resumes it from line 5002.
    const second = processorOf();
    second.onApplicationBootstrap();
    const staged = await until(upload.id, (u) => u.status !== 'PROCESSING');
    await second.onApplicationShutdown();
    expect(staged).toMatchObject({
      status: 'STAGED',
      processedLines: 11_003,
      rowsRead: 11_002,
      rowsStaged: 11_000,
      rowsRejected: 2,
      regionCodes: ['411421'],
      summary: { peopleAdded: 11_000, peopleRemoved: 0 },
    });
    expect(await stagedLines(upload.id)).toEqual({ rows: 11_000, lines: 11_000 });
    expect((await rosters.rejects(upload.id, 10)).map((r) => [r.line, r.code])).toEqual([
      [11_002, 'BAD_ID_NUMBER'],
      [11_003, 'DUPLICATE_IN_FILE'],
    ]);
  });

  it('resumes after the process was killed in the middle of a roster, from its checkpoint', async () => {
    const rows = [...people(20_000, 28_000)];
    rows[6000] = row(26_000, '中断'); // line 6002: in the second chunk
    const upload = await job(rows);
    expect(await boot({ CRASH_ON_NAME: '中断' })).toBe('SIGKILL');
    expect(await jobRow(upload.id)).toMatchObject({
      status: 'PROCESSING',
      processed_lines: 5001,
      rows_read: 5000,
      attempts: 1,
    });
    expect(await boot()).toBe(0);
    expect(await jobRow(upload.id)).toMatchObject({
      status: 'STAGED',
      processed_lines: 8001,
      rows_read: 8000,
      rows_staged: 8000,
      rows_rejected: 0,
    });
    expect(await stagedLines(upload.id)).toEqual({ rows: 8000, lines: 8000 });
  }, 120_000);

  it('sets aside as FAILED a roster that crashes the service at every start; it is never queued again, not even by a re-upload', async () => {
    const rows = [row(30_000), row(30_001, '毒'), row(30_002)];
    const upload = await job(rows);
    expect(await boot({ CRASH_ON_NAME: '毒' })).toBe('SIGKILL');
    expect(await boot({ CRASH_ON_NAME: '毒' })).toBe('SIGKILL');
    expect(await jobRow(upload.id)).toMatchObject({ status: 'PROCESSING', processed_lines: 0, attempts: 2 });
    // The third start sets it aside instead of running it, and comes up.
    expect(await boot({ CRASH_ON_NAME: '毒' })).toBe(0);
    const aside = await jobRow(upload.id);
    expect(aside).toMatchObject({ status: 'FAILED', processed_lines: 0, attempts: 3, rows_staged: 0 });
    expect(aside.set_aside_at).not.toBeNull();
    expect(aside.error).toMatch(/^set aside: processing this file stopped 2 times after line 0/);
    expect(await boot({ CRASH_ON_NAME: '毒' })).toBe(0);
    expect(await jobRow(upload.id)).toMatchObject({ status: 'FAILED', attempts: 3 });

    // The same bytes again answer the set-aside upload as it is; nobody can approve it.
    const stage = new StageRosterHandler(ds, rosters, processorOf(), settings());
    const again = await stage.execute(
      StageRosterCommand.of(
        { source: 'CIVIL_AFFAIRS', asOf: '2023-11-01' },
        stored(rows),
        'text/csv',
        principal('ca-other', 'civil-affairs'),
      ),
    );
    expect(again).toMatchObject({
      httpStatus: 200,
      view: { uploadId: upload.id, status: 'FAILED', sameContentAsEarlierUpload: true, rowsStaged: 0 },
    });
    expect(again.view.error).toMatch(/^set aside: /);
    expect(await jobRow(upload.id)).toMatchObject({ status: 'FAILED', attempts: 3 });
    const approve = new ApproveRosterHandler(ds, rosters, {} as AssessSubsidyHandler);
    await expect(
      approve.execute(DecideRosterCommand.of(upload.id, RosterDecision.create({}), checker)),
    ).rejects.toMatchObject({ code: 'NOT_STAGED', status: 409 });
  }, 120_000);

  it('answers a roster above ROSTER_ASYNC_ABOVE_BYTES with 202 and its status URL; a refusal is FAILED with its code, and the same bytes with a region resume it', async () => {
    const processor = processorOf();
    const large = new StageRosterHandler(
      ds,
      rosters,
      processor,
      settings({ ROSTER_ASYNC_ABOVE_BYTES: '100' }),
    );
    const big = await large.execute(
      StageRosterCommand.of(
        { source: 'CIVIL_AFFAIRS', asOf: '2023-11-02' },
        stored(people(40_000, 40_010)),
        'text/csv',
        clerk,
      ),
    );
    expect(big).toMatchObject({
      httpStatus: 202,
      view: { status: 'PROCESSING', statusUrl: `/v1/rosters/${big.view.uploadId}` },
    });
    expect(await until(big.view.uploadId, (u) => u.status !== 'PROCESSING')).toMatchObject({
      status: 'STAGED',
      rowsStaged: 10,
    });

    // An empty snapshot without its region is refused as before (422), and the refusal is recorded.
    const stage = new StageRosterHandler(ds, rosters, processor, settings());
    const empty = stored([]);
    const refused = stage.execute(
      StageRosterCommand.of({ source: 'CIVIL_AFFAIRS', asOf: '2023-11-03' }, empty, 'text/csv', clerk),
    );
    await expect(refused).rejects.toMatchObject({ code: 'REGION_REQUIRED', status: 422 });
    const failed = (await rosters.findByContent('CIVIL_AFFAIRS', '2023-11-03', empty.sha256))!;
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'REGION_REQUIRED', setAsideAt: null });
    const withRegion = await stage.execute(
      StageRosterCommand.of(
        { source: 'CIVIL_AFFAIRS', asOf: '2023-11-03', regionCode: '411421' },
        stored([]),
        'text/csv',
        clerk,
      ),
    );
    expect(withRegion).toMatchObject({
      httpStatus: 201,
      view: { uploadId: failed.id, status: 'STAGED', regionCodes: ['411421'], error: null, errorCode: null },
    });
    await processor.onApplicationShutdown();
  });

  it('adopts the raw files of rosters staged before the file job, so the retention sweep deletes them in time', async () => {
    const legacy = stored([row(50_000)]);
    const id = randomUUID();
    await ds.query(
      `INSERT INTO subsidy.roster_uploads (id, source, as_of, sha256, status, uploaded_by, uploaded_role, uploaded_at, finished_at)
       VALUES ($1, 'CIVIL_AFFAIRS', '2022-12-01', $2, 'APPROVED', 'old', 'civil-affairs', '2022-12-01', '2022-12-01')`,
      [id, legacy.sha256],
    );
    // Finished a year before the service clock: past the 90 days, deleted by this start's sweep or the next.
    const first = processorOf();
    first.onApplicationBootstrap();
    expect(await until(id, (u) => u.storagePath !== '')).toMatchObject({ storagePath: legacy.path });
    await first.onApplicationShutdown();
    const next = processorOf();
    next.onApplicationBootstrap();
    expect((await until(id, (u) => u.rawDeletedAt !== null)).rawDeletedAt).not.toBeNull();
    await next.onApplicationShutdown();
    expect(existsSync(legacy.path)).toBe(false);
  });
});
