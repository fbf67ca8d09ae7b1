import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import { freshDatabase, REPO_ROOT, SERVICES, waitFor } from './support/services';

// docker/Dockerfile without a Docker engine: its build stage is replayed on the build context that
// .dockerignore leaves (tsc -p tsconfig.build.json), its runtime stage's COPY instructions are
// replayed into an image-like folder whose node_modules holds the production dependencies only
// (package-lock entries not marked dev; node runs with --preserve-symlinks so nothing outside that
// folder resolves), and the image's command is run from there: `main.js --migrate-only` for each of
// the five services, then one service up to /health/ready. Port: 20800 (+ index, + E2E_PORT_OFFSET).
const DOCKERFILE = readFileSync(path.join(REPO_ROOT, 'docker/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const scratch = mkdtempSync(path.join(tmpdir(), 'urrbmi-image-'));
const context = path.join(scratch, 'context');
const productionModules = path.join(scratch, 'production-node_modules');

/** .dockerignore as Docker reads it: `**` spans folders, a pattern without `**` is rooted at the context. */
function ignored(relative: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    const re = p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\u0000/g, '(.*/)?');
    return new RegExp(`^${re}(/.*)?$`).test(relative);
  });
}

function copyContext(): void {
  const patterns = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const walk = (relative: string) => {
    if (relative && ignored(relative, patterns)) return;
    const from = path.join(REPO_ROOT, relative);
    if (statSync(from).isDirectory()) {
      mkdirSync(path.join(context, relative), { recursive: true });
      for (const name of readdirSync(from)) walk(relative ? `${relative}/${name}` : name);
    } else cpSync(from, path.join(context, relative));
  };
  walk('');
}

/** node_modules as `npm ci --omit=dev` lays it out: every package-lock entry not marked dev, as links. */
function linkProductionDependencies(): number {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  let count = 0;
  for (const [key, entry] of Object.entries(lock.packages)) {
    const name = key.slice('node_modules/'.length);
    if (!key.startsWith('node_modules/') || name.includes('node_modules/') || entry.dev) continue;
    const target = path.join(REPO_ROOT, key);
    if (!existsSync(target)) continue; // optional platform packages of other machines
    mkdirSync(path.dirname(path.join(productionModules, name)), { recursive: true });
    symlinkSync(target, path.join(productionModules, name));
    count++;
  }
  return count;
}

/** The runtime stage's COPY instructions, replayed into `app` for `service`, and main.js written as its RUN does. */
function assembleImage(service: string): string {
  const app = path.join(scratch, `image-${service}`);
  mkdirSync(app);
  const stages = [...DOCKERFILE.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
  const runtime = DOCKERFILE.split(/^FROM\s/m).pop()!;
  expect(stages[stages.length - 1]).toBe('runtime');
  for (const [, from, src, dest] of runtime.matchAll(/^COPY\s+(?:--from=(\S+)\s+)?(\S+)\s+(\S+)\s*$/gm)) {
    const source = src.replace('${SERVICE}', service);
    // A destination ending in / (or ./) is a folder the source goes into, as in Docker.
    const target = path.join(
      app,
      dest.replace('${SERVICE}', service),
      /\/$/.test(dest) ? path.basename(source) : '',
    );
    if (from === 'production-dependencies') {
      expect(source).toBe('/app/node_modules');
      symlinkSync(productionModules, target);
    } else if (from === 'build') {
      cpSync(path.join(context, source.replace(/^\/src\//, '')), target, { recursive: true });
    } else {
      cpSync(path.join(context, source), target, { recursive: true });
    }
  }
  // The RUN that writes main.js: its first command, run in the image's WORKDIR.
  const run = /^RUN\s+(printf .*? > main\.js)/m.exec(runtime)?.[1];
  expect(run).toBeDefined();
  execFileSync('sh', ['-c', run!], { cwd: app, env: { ...process.env, SERVICE: service } });
  return app;
}

/** The image's CMD, with node told to keep symlinked packages inside the image's node_modules. */
function imageCommand(): string[] {
  const cmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(DOCKERFILE)![1]) as string[];
  expect(cmd[0]).toBe('node');
  return ['--preserve-symlinks', ...cmd.slice(1)];
}

function imageEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // The image's environment: nothing of the developer's shell but PATH.
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    ...extra,
  };
}

describe('the image docker/Dockerfile builds, without Docker', () => {
  beforeAll(() => {
    copyContext();
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(context, 'node_modules')); // the build stage's npm ci
    const tsc = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: context,
      encoding: 'utf8',
    });
    if (tsc.status !== 0)
      throw new Error(`the build stage fails on the Docker build context:\n${tsc.stdout}${tsc.stderr}`);
    expect(linkProductionDependencies()).toBeGreaterThan(100);
  }, 600_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('leaves tests and local state out of the build context', () => {
    expect(existsSync(path.join(context, 'apps/enrollment-service/src/main.ts'))).toBe(true);
    expect(existsSync(path.join(context, 'libs/policy/policies'))).toBe(true);
    expect(existsSync(path.join(context, '.local'))).toBe(false);
    expect(existsSync(path.join(context, 'e2e'))).toBe(false);
    expect(existsSync(path.join(context, 'libs/messaging/test'))).toBe(false);
    expect(existsSync(path.join(context, 'libs/domain/src/resident-id.spec.ts'))).toBe(false);
  });

  it.each(SERVICE_NAMES.map((s) => [s]))(
    '%s: `main.js --migrate-only` migrates its schema from production dependencies alone and exits 0',
    async (service) => {
      const app = assembleImage(service);
      const dbUrl = await freshDatabase(`image_${service.split('-')[0]}`);
      const run = spawnSync(process.execPath, [...imageCommand(), '--migrate-only'], {
        cwd: app,
        env: imageEnv({ DATABASE_URL: dbUrl }),
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toContain('schema migrated; exiting (--migrate-only)');
      const db = new Client({ connectionString: dbUrl });
      await db.connect();
      try {
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_name IN ('outbox', 'inbox', 'migrations')`,
        );
        expect(tables.rows.map((r) => r.table_name).sort()).toEqual(['inbox', 'migrations', 'outbox']);
      } finally {
        await db.end();
      }
    },
  );

  it('enrollment-service starts from the image folder and becomes ready, with metrics and OpenAPI', async () => {
    const app = path.join(scratch, 'image-enrollment-service');
    const port = 20800 + SERVICES['enrollment-service'] + Number(process.env.E2E_PORT_OFFSET ?? 0);
    const dbUrl = await freshDatabase('image_enrollment');
    const child = spawn(process.execPath, imageCommand(), {
      cwd: app,
      env: imageEnv({
        DATABASE_URL: dbUrl,
        PORT: String(port),
        KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX}image.`,
        LOG_LEVEL: 'warn',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        'the service from the image folder to be ready',
        async () => {
          if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output}`);
          return fetch(`${url}/health/ready`).then(
            (r) => r.status,
            () => 0,
          );
        },
        (status) => status === 200,
        120_000,
      );
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('messaging_outbox_backlog');
      expect((await fetch(`${url}/docs-json`)).status).toBe(200);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    expect(child.exitCode).toBe(0); // stopped cleanly on SIGTERM, as in a pod
  });
});
