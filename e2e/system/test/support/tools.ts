import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The path of a command-line tool a test needs, or an error saying how to get it: a missing tool
 * fails the test (it never skips it), since a check that does not run proves nothing.
 */
export function requireTool(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const where = found.stdout.trim();
  if (found.status !== 0 || !where)
    throw new Error(
      `${name} is not installed, so this check cannot run. Install it with tools/lib/ensure-tools.sh (apt-get install ${debianPackage}); npm test does so itself.`,
    );
  return where;
}

/** A TCP port nobody listens on right now (for a helper process such as Prometheus). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export { REPO_ROOT } from './services';
