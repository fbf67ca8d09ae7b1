// Benchmark: a civil-affairs roster snapshot staged and approved by subsidy-service, beside
// `psql \copy` of the same file into a plain table in the same run.
//   npm run bench:roster -- [--rows 1000000]
// Needs Postgres and Kafka as `npm test` has them; prints a table of figures.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';

const ROOT = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const ROWS = Number(args[args.indexOf('--rows') + 1] || 1_000_000) || 1_000_000;
const DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/urrbmi_bench';
const PORT = 14992;
const CATEGORIES = [
  '特困人员',
  '农村一、二类低保',
  '农村三、四类低保',
  '城市低保全额保障对象',
  '低保边缘家庭成员',
  'MINIMUM_LIVING',
];

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function writeRoster(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('id_number,name,category,certified_region_code,valid_from,valid_to\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const birth = new Date(Date.UTC(1940, 0, 1) + (i % 25000) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replace(/-/g, '');
    const first17 = `620725${birth}${String(Math.floor(i / 25000) % 1000).padStart(3, '0')}`;
    let id = first17 + residentIdCheckChar(first17);
    if (i % 1000 === 999) id = id.slice(0, 17) + (id[17] === '1' ? '2' : '1'); // 0.1% bad check digits
    chunk += `${id},居民${i % 1000},${CATEGORIES[i % CATEGORIES.length]},620725,2023-11-01,\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `roster-${ROWS}.csv`);
  await writeRoster(file);
  const admin = new URL(DB);
  admin.pathname = '/postgres';
  const a = new Client({ connectionString: admin.toString() });
  await a.connect();
  const dbName = new URL(DB).pathname.slice(1);
  if (!(await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount)
    await a.query(`CREATE DATABASE "${dbName}"`);
  await a.end();
  const db = new Client({ connectionString: DB });
  await db.connect();
  await db.query(
    'DROP TABLE IF EXISTS public.bench_roster; CREATE TABLE public.bench_roster (id_number text, name text, category text, certified_region_code text, valid_from date, valid_to date)',
  );
  const c0 = Date.now();
  const copy = spawnSync(
    'psql',
    [DB, '-q', '-c', `\\copy public.bench_roster FROM '${file}' WITH (FORMAT csv, HEADER true)`],
    { encoding: 'utf8' },
  );
  if (copy.status !== 0) throw new Error(`psql \\copy failed: ${copy.stderr}`);
  const copyMs = Date.now() - c0;
  await db.query('DROP TABLE public.bench_roster');
  await db.query('DROP SCHEMA IF EXISTS subsidy CASCADE');

  const keys = { clerk: 'bench-ca-clerk-key-0123456789', checker: 'bench-ca-checker-key-0123456789' };
  const sha = (k: string) => createHash('sha256').update(k).digest('hex');
  writeFileSync(
    path.join(dir, 'keys-roster.json'),
    JSON.stringify({
      keys: [
        { holder: 'clerk', role: 'civil-affairs', sha256: sha(keys.clerk) },
        { holder: 'checker', role: 'civil-affairs', sha256: sha(keys.checker) },
      ],
    }),
  );
  const svc = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/subsidy-service/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: DB,
      KAFKA_TOPIC_PREFIX: `bench${Date.now().toString(36)}.`,
      PORT: String(PORT),
      LOG_LEVEL: 'warn',
      API_KEYS_FILE: path.join(dir, 'keys-roster.json'),
      CLOCK_START: '2023-11-02T09:00:00+08:00',
      SUBSIDY_MATCH_SCHEDULE: 'off',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${svc.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // gone
    }
  }, 100);
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`http://127.0.0.1:${PORT}/health/ready`).catch(() => undefined))?.status === 200)
        break;
      if (i > 300) throw new Error('service not ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/rosters`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys.clerk}`,
        'content-type': 'text/csv',
        'x-roster-source': 'CIVIL_AFFAIRS',
        'x-as-of': '2023-11-01',
      },
      body: createReadStream(file) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    const staged = (await res.json()) as { uploadId: string; rowsStaged: number; rowsRejected: number };
    const stageMs = Date.now() - t0;
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(staged)}`);
    const t1 = Date.now();
    const ok = await fetch(`http://127.0.0.1:${PORT}/v1/rosters/${staged.uploadId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.checker}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const approved = (await ok.json()) as { identitiesChangedFor: number };
    const approveMs = Date.now() - t1;
    clearInterval(sampler);
    console.log(`\nRoster benchmark (${new Date().toISOString()}, ${cpus().length} cores)`);
    for (const [k, v] of [
      [
        'rows in the file',
        `${ROWS.toLocaleString('en')} (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB)`,
      ],
      [
        'baseline: psql \\copy into a plain table',
        `${secs(copyMs)} (${Math.round(ROWS / (copyMs / 1000)).toLocaleString('en')} rows/s)`,
      ],
      [
        'POST /v1/rosters: validated, staged, summarised',
        `${secs(stageMs)}: ${staged.rowsStaged.toLocaleString('en')} staged, ${staged.rowsRejected} rejected (${Math.round(ROWS / (stageMs / 1000)).toLocaleString('en')} rows/s)`,
      ],
      [
        'approve: identity periods opened',
        `${secs(approveMs)}: ${approved.identitiesChangedFor.toLocaleString('en')} people`,
      ],
      ['peak RSS of the service', `${(peak / 2 ** 20).toFixed(0)} MiB`],
    ])
      console.log(`  ${k.padEnd(50)} ${v}`);
  } finally {
    clearInterval(sampler);
    svc.kill('SIGTERM');
    await db.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
