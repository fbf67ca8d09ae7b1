// Benchmark: the monthly match over 1,000,000 paid enrolments against 200,000 roster identities,
// beside a plain SQL join of the same tables measured in the same run.
//   npm run bench:subsidy-match -- [--enrolments 1000000] [--identities 200000]
// Needs Postgres and Kafka as `npm test` has them; prints a table of figures.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';

const ROOT = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => Number(args[args.indexOf(name) + 1] || fallback) || fallback;
const ENROLMENTS = arg('--enrolments', 1_000_000);
const IDENTITIES = arg('--identities', 200_000);
const DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/urrbmi_bench';
const PORT = 14991;

function person(i: number): string {
  const birth = new Date(Date.UTC(1940, 0, 1) + (i % 25000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replace(/-/g, '');
  const first17 = `620725${birth}${String(Math.floor(i / 25000) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
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
  await db.query('DROP SCHEMA IF EXISTS subsidy CASCADE');

  const key = randomUUID();
  writeFileSync(
    path.join(dir, 'keys-subsidy.json'),
    JSON.stringify({
      keys: [{ holder: 'bench', role: 'mib', sha256: createHash('sha256').update(key).digest('hex') }],
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
      API_KEYS_FILE: path.join(dir, 'keys-subsidy.json'),
      CLOCK_START: '2023-12-01T09:00:00+08:00',
      SUBSIDY_MATCH_SCHEDULE: 'off',
      OUTBOX_BATCH_SIZE: '5000',
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
    console.error(`[bench] loading ${ENROLMENTS} paid enrolments and ${IDENTITIES} identities`);
    const load0 = Date.now();
    const CH = 50_000;
    for (let i = 0; i < ENROLMENTS; i += CH) {
      const ids = Array.from({ length: Math.min(CH, ENROLMENTS - i) }, (_, k) => person(i + k));
      await db.query(
        `INSERT INTO subsidy.enrolments (id_number, season, region_code, enrollment_id, status, paid_fen, paid_in_full_on)
         SELECT x, 2023, '620725', gen_random_uuid(), 'REGISTERED', 38000, DATE '2023-10-16' FROM unnest($1::text[]) AS x`,
        [ids],
      );
    }
    const upload = randomUUID();
    for (let i = 0; i < IDENTITIES; i += CH) {
      // Every fifth person is certified (rural minimum-living class 1-2) from 5 November.
      const ids = Array.from({ length: Math.min(CH, IDENTITIES - i) }, (_, k) =>
        person((i + k) * Math.floor(ENROLMENTS / IDENTITIES)),
      );
      await db.query(
        `INSERT INTO subsidy.identities (id_number, source, category, certified_region_code, valid_from, opened_by)
         SELECT x, 'CIVIL_AFFAIRS', 'MINIMUM_LIVING_RURAL_CLASS_1_2', '620725', DATE '2023-11-05', $2 FROM unnest($1::text[]) AS x`,
        [ids, upload],
      );
    }
    await db.query('ANALYZE subsidy.enrolments; ANALYZE subsidy.identities');
    const loadMs = Date.now() - load0;

    const j0 = Date.now();
    const [{ n }] = (
      await db.query(
        `SELECT count(*)::int AS n FROM subsidy.enrolments e JOIN subsidy.identities i ON i.id_number = e.id_number
          WHERE e.paid_in_full_on <= DATE '2023-11-30' AND i.valid_from <= DATE '2023-11-30'`,
      )
    ).rows;
    const joinMs = Date.now() - j0;

    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/match-runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ month: '2023-11' }),
    });
    const result = (await res.json()) as { candidates: number; transfersCreated: number };
    const runMs = Date.now() - t0;
    if (res.status !== 200) throw new Error(`match run failed: ${res.status} ${JSON.stringify(result)}`);
    const t1 = Date.now();
    const again = (await (
      await fetch(`http://127.0.0.1:${PORT}/v1/match-runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ month: '2023-11' }),
      })
    ).json()) as { transfersCreated: number };
    const againMs = Date.now() - t1;
    clearInterval(sampler);
    console.log(`\nMonthly match benchmark (${new Date().toISOString()}, ${cpus().length} cores)`);
    for (const [k, v] of [
      [
        'paid enrolments / certified identities',
        `${ENROLMENTS.toLocaleString('en')} / ${IDENTITIES.toLocaleString('en')} (loaded in ${secs(loadMs)})`,
      ],
      ['baseline: plain SQL join counting the matches', `${secs(joinMs)} (${n.toLocaleString('en')} rows)`],
      [
        'POST /v1/match-runs (transfers and their events written)',
        `${secs(runMs)}: ${result.candidates.toLocaleString('en')} candidates, ${result.transfersCreated.toLocaleString('en')} transfers`,
      ],
      ['the same month again (adds nothing)', `${secs(againMs)}: ${again.transfersCreated} transfers`],
      ['peak RSS of the service', `${(peak / 2 ** 20).toFixed(0)} MiB`],
    ])
      console.log(`  ${k.padEnd(58)} ${v}`);
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
