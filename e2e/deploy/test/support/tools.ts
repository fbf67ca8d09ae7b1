import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * The path of a command-line tool the checks need, or an error saying how to get it: a missing
 * tool fails the test (it never skips it), since a check that does not run proves nothing.
 */
export function requireTool(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const where = found.stdout.trim();
  if (found.status !== 0 || !where)
    throw new Error(
      `${name} is not installed, so the deployment files cannot be checked. ` +
        `Install it with tools/lib/ensure-tools.sh (apt-get install ${debianPackage}); npm test does so itself.`,
    );
  return where;
}
