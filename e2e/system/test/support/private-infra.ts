import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './services';

/**
 * A Postgres cluster and a Kafka broker of the test's own, for tests that restart them: other
 * engineers and test runs share the machine's server and broker, which must never be restarted.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = execFileSync('ls', [root]).toString().trim().split('\n').filter(Boolean).sort();
  if (versions.length === 0) throw new Error(`no Postgres binaries under ${root}`);
  return path.join(root, versions[versions.length - 1], 'bin');
}

export interface PrivatePostgres {
  /** URL of a database `name` on the private cluster. */
  url(name: string): string;
  /** Stops the cluster (fast: open connections are cut), waits `downMs`, and starts it again. */
  restart(downMs: number): Promise<void>;
  stop(): void;
}

/** initdb into a temporary folder and start on `port` with trust auth, as the postgres user when root. */
export function startPrivatePostgres(port: number): PrivatePostgres {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe' })
      : execFileSync(path.join(bin, tool), args, { stdio: 'pipe' });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () =>
    run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  let stopped = false;
  return {
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    restart: async (downMs) => {
      stop();
      await sleep(downMs);
      start();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateBroker {
  brokers: string;
  restart(downMs: number): Promise<void>;
  stop(): void;
}

/** A single-node broker from tools/kafka/kafka.sh on `port` (controller on port + 1), data in a temporary folder. */
export function startPrivateBroker(port: number): PrivateBroker {
  const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-kafka-'));
  const env = {
    ...process.env,
    KAFKA_BROKERS: '',
    KAFKA_LOCAL_PORT: String(port),
    KAFKA_LOCAL_CONTROLLER_PORT: String(port + 1),
    KAFKA_LOCAL_DIR: dir,
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
  };
  const kafka = (cmd: 'start' | 'stop') =>
    execFileSync('bash', [path.join(REPO_ROOT, 'tools/kafka/kafka.sh'), cmd], { env, stdio: 'pipe' });
  kafka('start');
  let stopped = false;
  return {
    brokers: `127.0.0.1:${port}`,
    restart: async (downMs) => {
      kafka('stop');
      await sleep(downMs);
      kafka('start');
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        kafka('stop');
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
