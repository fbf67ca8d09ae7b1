import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { observeService } from './observed-http';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export const SERVICES = {
  'enrollment-service': 0,
  'subsidy-service': 1,
  'tax-collection-feed-service': 2,
  'refund-service': 3,
  'reporting-service': 4,
} as const;
export type ServiceName = keyof typeof SERVICES;

/** Plain keys for the test run; the services only see their hashes. */
export const TEST_KEYS = {
  mib: { holder: 'e2e-mib-clerk', role: 'mib', key: 'e2e-key-mib-0123456789' },
  /** A second mib holder: confirms what the mib clerk entered (maker-checker). */
  mibChecker: { holder: 'e2e-mib-checker', role: 'mib', key: 'e2e-key-mib-checker-0123456789' },
  tax: { holder: 'e2e-tax-feed', role: 'tax', key: 'e2e-key-tax-0123456789' },
  ops: { holder: 'e2e-ops', role: 'ops', key: 'e2e-key-ops-0123456789' },
  township: {
    holder: 'e2e-township-qingquan',
    role: 'township:620725100',
    key: 'e2e-key-township-0123456789',
  },
  civilAffairs: {
    holder: 'e2e-civil-affairs-clerk',
    role: 'civil-affairs',
    key: 'e2e-key-ca-clerk-0123456789',
  },
  civilAffairsChecker: {
    holder: 'e2e-civil-affairs-checker',
    role: 'civil-affairs',
    key: 'e2e-key-ca-checker-0123456789',
  },
  rural: { holder: 'e2e-rural-clerk', role: 'rural-revitalization', key: 'e2e-key-rr-clerk-0123456789' },
  ruralChecker: {
    holder: 'e2e-rural-checker',
    role: 'rural-revitalization',
    key: 'e2e-key-rr-checker-0123456789',
  },
} as const;

/** An API keys file holding the hashes of `plain` (the test keys by default), as a list or a record. */
export function writeKeysFile(
  plain:
    | readonly { holder: string; role: string; key: string }[]
    | Record<string, { holder: string; role: string; key: string }> = TEST_KEYS,
): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-e2e-'));
  const file = path.join(dir, 'api-keys.json');
  const list = Array.isArray(plain) ? plain : Object.values(plain);
  const keys = list.map((k) => ({
    holder: k.holder,
    role: k.role,
    sha256: createHash('sha256').update(k.key).digest('hex'),
  }));
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts one service in its own process from its TypeScript sources (as `nx serve` would from dist). */
export function spawnService(
  name: ServiceName,
  basePort: number,
  env: Record<string, string>,
): ServiceProcess {
  // E2E_PORT_OFFSET lets two checkouts run their end-to-end tests side by side on one machine.
  const port = basePort + SERVICES[name] + Number(process.env.E2E_PORT_OFFSET ?? 0);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${name}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  observeService(`http://127.0.0.1:${port}`, name);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function waitReady(svc: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (svc.child.exitCode !== null)
      throw new Error(`${svc.name} exited with ${svc.child.exitCode}:\n${svc.output()}`);
    try {
      const r = await fetch(`${svc.url}/health/ready`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${svc.name} not ready after ${timeoutMs} ms:\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function api(
  base: string,
  method: string,
  route: string,
  key?: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> & { details?: unknown } }> {
  const r = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {} };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A database of this test file's own, made afresh: services of different test files (each with its
 * own topic prefix) must not share outbox tables, or one relay would publish another's events.
 */
export async function freshDatabase(tag: string): Promise<string> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: e2e tests run under tools/test/global-setup.js');
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_${tag}`;
  url.pathname = `/${name}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  return url.toString();
}

export interface ServiceUnderTest {
  svc: ServiceProcess;
  db: Client;
  dbUrl: string;
  /** The topic prefix the service publishes and consumes under. */
  prefix: string;
  stop(): Promise<void>;
}

/**
 * One service in its own process, on a database of its own (named after `tag`) and the topic prefix
 * `<run prefix><tag>.`, ready, with a client of that database for the test's own queries.
 */
export async function startServiceUnderTest(
  name: ServiceName,
  port: number,
  tag: string,
  env: Record<string, string> = {},
): Promise<ServiceUnderTest> {
  const dbUrl = await freshDatabase(tag);
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}${tag}.`;
  const svc = spawnService(name, port, {
    DATABASE_URL: dbUrl,
    API_KEYS_FILE: writeKeysFile(),
    KAFKA_TOPIC_PREFIX: prefix,
    ...env,
  });
  await waitReady(svc);
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  return {
    svc,
    db,
    dbUrl,
    prefix,
    stop: async () => {
      await svc.stop();
      await db.end();
    },
  };
}
