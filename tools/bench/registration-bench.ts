// Benchmark: `POST /v1/enrollments` on enrollment-service alone (its outbox relay running, its own
// database and topic prefix) beside a bare Node `http` + `pg` server doing one INSERT per request
// into the same Postgres (tools/bench/bare-insert-server.ts), both driven by autocannon in the same
// run with unique valid ID numbers. Prints req/s, p50 and p99 of both and the ratio, and appends
// them to tools/bench/RESULTS.md.
//   npm run bench:registration -- [--duration 20] [--connections 50] [--rounds 1] [--cpu-prof] [--label text]
// --rounds N loads the servers in turns, N times each (bare first, then the service first, ...),
// and reports medians and the median of the per-round ratios: on a shared machine the load moves
// between a bare run and a service run, and one pair alone has swung from 8% to 56%.
// --compare DIR also runs the enrollment-service of another checkout (e.g. `git worktree add DIR
// <commit>`, or `git archive <commit>` unpacked there with node_modules linked), on a database of
// its own, in the same rounds: before and after measured under the same load.
// --cpu-prof writes the service's V8 CPU profile to .local/bench/profiles (open it in Chrome
// DevTools or summarise it with tools/bench/cpu-profile-top.ts).
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import {
  argNumber,
  BENCH_DB,
  benchDatabase,
  benchPersonId,
  BenchService,
  printTable,
  ROOT,
  runBench,
  secs,
  startBenchService,
  benchKey,
} from './bench-support';

const DURATION = argNumber('--duration', 20);
const CONNECTIONS = argNumber('--connections', 50);
const WARMUP_SECONDS = 3;
const ROUNDS = argNumber('--rounds', 1);
const COMPARE = process.argv.includes('--compare')
  ? path.resolve(process.argv[process.argv.indexOf('--compare') + 1])
  : undefined;
const CPU_PROF = process.argv.includes('--cpu-prof');
const LABEL = process.argv.includes('--label') ? process.argv[process.argv.indexOf('--label') + 1] : '';
const BASE_PORT = argNumber('--port', 3350);
const PROFILE_DIR = path.join(ROOT, '.local/bench/profiles');

/** Its own database: the pipeline benchmark drops the service schemas of the shared one. */
function registrationDatabaseUrl(): string {
  const url = new URL(BENCH_DB);
  url.pathname = `${url.pathname}_registration`;
  return url.toString();
}

/** Request bodies with a fresh, valid Shandan ID number each (person `next++`). */
function registrations(start: number) {
  let next = start;
  return () => {
    const i = next++;
    return JSON.stringify({
      idNumber: benchPersonId(i),
      name: `居民${i % 1000}`,
      season: 2023,
      regionCode: '620725',
      townshipCode: `6207251${String(i % 11).padStart(2, '0')}`,
      kind: 'RENEWAL',
    });
  };
}

interface Measured {
  reqPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  unanswered: number;
  /** The server process's CPU time per answered request: steadier than req/s on a shared machine. */
  cpuMsPerRequest: number;
}

async function load(
  server: BenchService,
  url: string,
  key: string | undefined,
  body: () => string,
  seconds: number,
): Promise<Measured> {
  const cpu0 = server.cpuSeconds();
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  // A refused registration would be a bug in the bodies, not a figure; no answer within 10 s is one.
  if (r.non2xx > 0) throw new Error(`${url}: ${r.non2xx} answers other than 2xx`);
  return {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    unanswered: r.errors + r.timeouts,
    cpuMsPerRequest: ((server.cpuSeconds() - cpu0) * 1000) / Math.max(1, r['2xx']),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Each figure's median over the rounds; the unanswered requests are summed. */
function medianRun(runs: Measured[]): Measured {
  const m = (f: (r: Measured) => number) => median(runs.map(f));
  return {
    reqPerSec: m((r) => r.reqPerSec),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    ok: runs.reduce((a, r) => a + r.ok, 0),
    unanswered: runs.reduce((a, r) => a + r.unanswered, 0),
    cpuMsPerRequest: m((r) => r.cpuMsPerRequest),
  };
}

/** The rows of the checkout given with --compare, measured in the same rounds. */
function comparedRows(runs: Measured[], ratios: number[]): [string, string][] {
  const run = medianRun(runs);
  return [
    [`compared (${path.basename(COMPARE!)}): req/s`, run.reqPerSec.toFixed(0)],
    ['compared: p50 / p99', `${run.p50.toFixed(0)} ms / ${run.p99.toFixed(0)} ms`],
    ['compared: server CPU per request', `${run.cpuMsPerRequest.toFixed(2)} ms`],
    [
      'compared / bare req/s',
      `${(median(ratios) * 100).toFixed(0)}%` +
        (ratios.length > 1 ? ` (per round ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')})` : ''),
    ],
  ];
}

async function main(): Promise<void> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const dbUrl = registrationDatabaseUrl();
  const db = await benchDatabase(dbUrl);
  await db.query('DROP SCHEMA IF EXISTS enrollment CASCADE');
  await db.query('DROP TABLE IF EXISTS public.bench_bare_registrations');

  const { key, keysFile } = benchKey(path.join(ROOT, '.local/bench/registration-keys.json'), 'mib');
  const common = { DATABASE_URL: dbUrl, DB_POOL_SIZE: '10' };
  const serviceEnv = {
    API_KEYS_FILE: keysFile,
    CLOCK_START: '2023-10-17T09:00:00+08:00',
    // The service as deployed logs every request (info); the bench keeps that.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  const started: BenchService[] = [];
  try {
    const bare = await startBenchService('tools/bench/bare-insert-server.ts', BASE_PORT + 1, common, {
      readyPath: '/',
      logFile: path.join(ROOT, '.local/bench/bare-insert-server.log'),
    });
    started.push(bare);
    const service = await startBenchService(
      'enrollment-service',
      BASE_PORT,
      { ...common, ...serviceEnv, KAFKA_TOPIC_PREFIX: `benchreg${Date.now().toString(36)}.` },
      {
        nodeArgs: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
        logFile: path.join(ROOT, '.local/bench/registration-service.log'),
      },
    );
    started.push(service);
    let compared: BenchService | undefined;
    if (COMPARE) {
      const compareDb = await benchDatabase(`${dbUrl}_compare`);
      await compareDb.query('DROP SCHEMA IF EXISTS enrollment CASCADE');
      await compareDb.end();
      compared = await startBenchService(
        'enrollment-service',
        BASE_PORT + 2,
        {
          ...common,
          ...serviceEnv,
          DATABASE_URL: `${dbUrl}_compare`,
          KAFKA_TOPIC_PREFIX: `benchregcmp${Date.now().toString(36)}.`,
        },
        { cwd: COMPARE, logFile: path.join(ROOT, '.local/bench/registration-compared.log') },
      );
      started.push(compared);
    }

    // Each server: a short warm-up (JIT, pools), then the measured runs; different people throughout.
    const servers = [
      { server: bare, url: bare.url, key: undefined, body: registrations(0), runs: [] as Measured[] },
      ...[service, compared].flatMap((s) =>
        s
          ? [
              {
                server: s,
                url: `${s.url}/v1/enrollments`,
                key,
                body: registrations(0),
                runs: [] as Measured[],
              },
            ]
          : [],
      ),
    ];
    for (const s of servers) await load(s.server, s.url, s.key, s.body, WARMUP_SECONDS);
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with the next server, so none is always measured after the same one.
      for (let i = 0; i < servers.length; i++) {
        const s = servers[(round + i) % servers.length];
        s.runs.push(await load(s.server, s.url, s.key, s.body, DURATION));
      }
    }
    const [bareRuns, serviceRuns, comparedRuns] = servers.map((s) => s.runs);
    const ratiosOf = (runs: Measured[]) => runs.map((s, i) => s.reqPerSec / bareRuns[i].reqPerSec);
    const ratios = ratiosOf(serviceRuns);
    const bareRun = medianRun(bareRuns);
    const serviceRun = medianRun(serviceRuns);

    // The relay publishes what was registered: time until the outbox is empty after the run.
    const t0 = Date.now();
    for (;;) {
      const { rows } = await db.query(
        'SELECT count(*)::int AS n FROM enrollment.outbox WHERE published_at IS NULL',
      );
      if (rows[0].n === 0) break;
      if (Date.now() - t0 > 120_000) throw new Error(`outbox not drained: ${rows[0].n} rows left`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const drainMs = Date.now() - t0;
    const stored = Number(
      (await db.query('SELECT count(*)::int AS n FROM enrollment.enrollments')).rows[0].n,
    );

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const ratio = median(ratios);
    const rows: [string, string][] = [
      [
        'load',
        `${CONNECTIONS} connections, ${DURATION} s each (after ${WARMUP_SECONDS} s warm-up)` +
          (ROUNDS > 1 ? `, ${ROUNDS} rounds in turns: medians` : ''),
      ],
      ['bare http + pg, one INSERT: req/s', bareRun.reqPerSec.toFixed(0)],
      ['bare: p50 / p99', `${ms(bareRun.p50)} / ${ms(bareRun.p99)}`],
      ['enrollment-service POST /v1/enrollments: req/s', serviceRun.reqPerSec.toFixed(0)],
      ['service: p50 / p99', `${ms(serviceRun.p50)} / ${ms(serviceRun.p99)}`],
      ['unanswered in 10 s (bare / service)', `${bareRun.unanswered} / ${serviceRun.unanswered}`],
      [
        'server CPU per request (bare / service)',
        `${bareRun.cpuMsPerRequest.toFixed(2)} ms / ${serviceRun.cpuMsPerRequest.toFixed(2)} ms`,
      ],
      ['service / bare req/s', `${(ratio * 100).toFixed(0)}% (bar: >= 60%, p99 < 50 ms)`],
      ...(ROUNDS > 1
        ? [['per round', ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')] as [string, string]]
        : []),
      ...(comparedRuns ? comparedRows(comparedRuns, ratiosOf(comparedRuns)) : []),
      ['enrolments stored (warm-up included)', stored.toLocaleString('en')],
      ['outbox empty after the run', secs(drainMs)],
      ['peak RSS enrollment-service', `${(service.peakRss() / 2 ** 20).toFixed(0)} MiB`],
    ];
    printTable(`Registration API${LABEL ? ` (${LABEL})` : ''}`, rows);
    appendFileSync(
      path.join(ROOT, 'tools/bench/RESULTS.md'),
      `\n### Registration API${LABEL ? `, ${LABEL}` : ''} — ${new Date().toISOString().slice(0, 16)}Z, ` +
        `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB${CPU_PROF ? ', under --cpu-prof' : ''}\n\n` +
        `| figure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`,
    );
  } finally {
    for (const s of started.reverse()) await s.stopped();
    await db.end();
  }
}

runBench(main);
