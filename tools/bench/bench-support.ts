// What every benchmark here needs: its own database, a service process, its peak RSS, a table.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';

export const ROOT = path.resolve(__dirname, '../..');
export const BENCH_DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/urrbmi_bench';

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function argNumber(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return (i >= 0 && Number(args[i + 1])) || fallback;
}

/**
 * `--heap-mib N` starts every service with `--max-old-space-size=N` (as a deployment sets
 * NODE_OPTIONS); without it a service has V8's default limit (about 4 GiB here), so its RSS is
 * mostly garbage waiting for a full collection rather than what it needs.
 */
const HEAP_MIB = argNumber('--heap-mib', 0);
const heapArgs = (): string[] => (HEAP_MIB ? [`--max-old-space-size=${HEAP_MIB}`] : []);
export const heapCapRow = (): [string, string] => [
  'V8 heap limit per service',
  HEAP_MIB ? `${HEAP_MIB} MiB (--heap-mib)` : "node's default",
];

/** A client of the benchmark database, created when missing. */
export async function benchDatabase(url: string = BENCH_DB): Promise<Client> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const a = new Client({ connectionString: admin.toString() });
  await a.connect();
  const name = new URL(url).pathname.slice(1);
  if (!(await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount)
    await a.query(`CREATE DATABASE "${name}"`);
  await a.end();
  const db = new Client({ connectionString: url });
  await db.connect();
  return db;
}

/** `psql \copy` of a CSV file into a throwaway table with these columns: the baseline, in ms. */
export async function copyBaseline(db: Client, file: string, columns: string): Promise<number> {
  await db.query(`DROP TABLE IF EXISTS public.bench_copy; CREATE TABLE public.bench_copy (${columns})`);
  const t0 = Date.now();
  const r = spawnSync(
    'psql',
    [BENCH_DB, '-q', '-c', `\\copy public.bench_copy FROM '${file}' WITH (FORMAT csv, HEADER true)`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`psql \\copy failed: ${r.stderr}`);
  const ms = Date.now() - t0;
  await db.query('DROP TABLE public.bench_copy');
  return ms;
}

export interface BenchService {
  url: string;
  peakRss(): number;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): void;
  /** Stops the process and resolves once it has exited (a CPU profile is written by then). */
  stopped(): Promise<void>;
}

export interface BenchServiceOptions {
  /** Node flags before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** What answers below 500 once the process is ready (default `/health/ready`, which answers 200). */
  readyPath?: string;
  /** Where its stdout and stderr go (default: this process's). */
  logFile?: string;
  /** How long to wait for it to be ready (default 60 s). */
  readyTimeoutMs?: number;
  /** The checkout it runs from (default this one): another commit's, to compare with. */
  cwd?: string;
}

/**
 * Starts a service from its sources on `port`, samples its RSS, and waits until it is ready.
 * `name` is a service (`apps/<name>/src/main.ts`) or a script's path from the repository root.
 */
export async function startBenchService(
  name: string,
  port: number,
  env: Record<string, string>,
  {
    nodeArgs = [],
    readyPath = '/health/ready',
    logFile,
    readyTimeoutMs = 60_000,
    cwd = ROOT,
  }: BenchServiceOptions = {},
): Promise<BenchService> {
  const script = name.endsWith('.ts') ? name : `apps/${name}/src/main.ts`;
  const log = logFile ? openSync(logFile, 'w') : 'inherit';
  const child: ChildProcess = spawn(
    process.execPath,
    [...heapArgs(), ...nodeArgs, '-r', '@swc-node/register', script],
    {
      cwd,
      env: {
        ...process.env,
        DATABASE_URL: BENCH_DB,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        KAFKA_TOPIC_PREFIX: `bench${Date.now().toString(36)}.`,
        ...env,
      },
      stdio: ['ignore', log, log],
    },
  );
  const sampler = rssSampler(child.pid!);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const svc = {
    url: `http://127.0.0.1:${port}`,
    peakRss: () => sampler.peak(),
    cpuSeconds: () => {
      // /proc/<pid>/stat fields 14 and 15 (utime, stime), in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: () => {
      sampler.stop();
      child.kill('SIGTERM');
    },
    stopped: async () => {
      svc.stop();
      await exited;
    },
  };
  for (let i = 0; ; i++) {
    const r = await fetch(`${svc.url}${readyPath}`).catch(() => undefined);
    if (r && r.status < 500) return svc;
    if (i > readyTimeoutMs / 200 || child.exitCode !== null) {
      svc.stop();
      throw new Error(`${name} not ready`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The five services of one benchmark run, each on its port, with its peak RSS. */
export interface BenchSystem {
  services: [string, BenchService][];
  url(name: string): string;
  /** One row per service: its peak RSS. */
  rssRows(): [string, string][];
  /** Stops every service and waits until each has exited (CPU profiles are written by then). */
  stopped(): Promise<void>;
}

export interface BenchKey {
  holder: string;
  role: string;
  key: string;
}

/** An API key file as a deployment stores it (each key as `sha256`); returns its path. */
export function writeKeysFile(file: string, keys: BenchKey[]): string {
  writeFileSync(
    file,
    JSON.stringify({
      keys: keys.map(({ holder, role, key }) => ({
        holder,
        role,
        sha256: createHash('sha256').update(key).digest('hex'),
      })),
    }),
  );
  return file;
}

/** One fresh key of `role` for a benchmark that drives one service, and the key file holding it. */
export function benchKey(file: string, role: string): { key: string; keysFile: string } {
  const key = randomUUID();
  return { key, keysFile: writeKeysFile(file, [{ holder: 'bench', role, key }]) };
}

/**
 * The whole system for a benchmark: the services' schemas dropped in the benchmark database, an API
 * key file with these keys (as `sha256`, the way a deployment stores them; the plain keys are also
 * written to `<dir>/dev-api-keys.json` as `node tools/dev-keys.js` would), and the five services
 * started together on `basePort`, `basePort + 1`, … (each migrates its own schema).
 */
export async function startBenchSystem(
  db: Client,
  {
    dir,
    basePort,
    env,
    keys,
    nodeArgsFor = () => [],
    readyTimeoutMs = 300_000,
  }: {
    dir: string;
    basePort: number;
    env: Record<string, string>;
    keys: BenchKey[];
    nodeArgsFor?: (service: string) => string[];
    readyTimeoutMs?: number;
  },
): Promise<BenchSystem> {
  for (const s of ['enrollment', 'subsidy', 'tax_feed', 'refund', 'reporting'])
    await db.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  const keysFile = writeKeysFile(path.join(dir, 'api-keys.json'), keys);
  writeFileSync(path.join(dir, 'dev-api-keys.json'), JSON.stringify({ keys }));
  const services: [string, BenchService][] = [];
  const system: BenchSystem = {
    services,
    url: (name) => services.find(([n]) => n === name)![1].url,
    rssRows: () => [
      heapCapRow(),
      ...services.map(([n, s]): [string, string] => [
        `peak RSS ${n}`,
        `${(s.peakRss() / 2 ** 20).toFixed(0)} MiB`,
      ]),
    ],
    stopped: async () => {
      await Promise.all(services.map(([, s]) => s.stopped()));
    },
  };
  const started = await Promise.allSettled(
    SERVICE_NAMES.map((name, i) =>
      startBenchService(
        name,
        basePort + i,
        { API_KEYS_FILE: keysFile, ...env },
        { nodeArgs: nodeArgsFor(name), readyTimeoutMs },
      ),
    ),
  );
  started.forEach((r, i) => r.status === 'fulfilled' && services.push([SERVICE_NAMES[i], r.value]));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await system.stopped();
    throw failed.reason;
  }
  return system;
}

export function printTable(title: string, rows: [string, string][]): void {
  console.log(`\n${title} (${new Date().toISOString()}, ${cpus().length} cores)`);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)} ${v}`);
}

/** The i-th generated Shandan resident: unique for i < 25,000,000, always a valid ID number. */
export function benchPersonId(i: number): string {
  const birth = new Date(Date.UTC(1940, 0, 1) + (i % 25000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replace(/-/g, '');
  const first17 = `620725${birth}${String(Math.floor(i / 25000) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** The same number with a wrong check digit (a bad row). */
export function breakCheckDigit(id: string): string {
  return id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
}

/** The row every benchmark prints about the service it measured. */
export function peakRssRow(bytes: number): [string, string] {
  return ['peak RSS of the service', `${(bytes / 2 ** 20).toFixed(0)} MiB`];
}

/** Runs a benchmark's main, exiting 1 with the error when it fails. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

/** Appends a section of figures to tools/bench/RESULTS.md, with the date and the machine. */
export function appendResults(title: string, rows: [string, string][]): void {
  appendFileSync(
    path.join(ROOT, 'tools/bench/RESULTS.md'),
    `\n### ${title} — ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB\n\n| figure | value |\n|---|---|\n` +
      rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n') +
      '\n',
  );
}

/** Samples the resident set of a process every 100 ms; `stop()` ends the sampling. */
export function rssSampler(pid: number): { peak(): number; stop(): void } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the process is gone
    }
  }, 100);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}
