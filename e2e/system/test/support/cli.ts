import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, TEST_KEYS } from './services';

/** Runs `npx urrbmi …` (the package's bin) as a department's cron job would, and keeps what it printed. */
export function urrbmi(
  args: string[],
  url: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['--no', 'urrbmi', ...args, '--url', url],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
          URRBMI_API_KEY: TEST_KEYS.tax.key,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
