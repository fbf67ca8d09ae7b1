// `npm run check:architecture [-- --update-baseline]`: fails when service code puts SQL outside a
// repository or a controller opens a transaction (tools/architecture/architecture-rules.ts), beyond the
// places recorded in baseline.json — the debt the refactoring issue is paying down. The baseline may
// only shrink: --update-baseline rewrites it and refuses to add to it.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkFile, compareWithBaseline, countByFileAndRule, Violation } from './architecture-rules';

const ROOT = path.resolve(__dirname, '../..');
const BASELINE = path.join(__dirname, 'baseline.json');

function serviceSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry === 'migrations' || entry === 'node_modules') continue;
      out.push(...serviceSources(full));
    } else if (entry.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry)) {
      out.push(full);
    }
  }
  return out;
}

function main(): void {
  const apps = path.join(ROOT, 'apps');
  const files = readdirSync(apps).flatMap((app) => serviceSources(path.join(apps, app, 'src')));
  const violations: Violation[] = files.flatMap((f) =>
    checkFile(f).map((v) => ({ ...v, file: path.relative(ROOT, v.file) })),
  );
  const found = countByFileAndRule(violations);
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, number>;
  const { worse, better } = compareWithBaseline(found, baseline);

  if (process.argv.includes('--update-baseline')) {
    // --adopt records today's places once (when the check is introduced); later runs may only shrink it.
    if (worse.length > 0 && !process.argv.includes('--adopt')) {
      console.error('refusing to grow the baseline; fix these instead:');
      for (const w of worse) console.error(`  ${w.key}: ${w.found} (baseline ${w.allowed})`);
      process.exit(1);
    }
    const sorted = Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(BASELINE, `${JSON.stringify(sorted, null, 2)}\n`);
    console.log(
      `baseline written: ${violations.length} known places in ${Object.keys(sorted).length} file/rule pairs`,
    );
    return;
  }

  for (const b of better)
    console.log(`better than the baseline (run with --update-baseline): ${b.key} ${b.allowed} -> ${b.found}`);
  if (worse.length > 0) {
    console.error('architecture check failed: SQL belongs in *.repository.ts, transactions in use cases');
    for (const w of worse) {
      const [file, rule] = w.key.split('|');
      console.error(`  ${file}: ${rule} ${w.found} (allowed ${w.allowed})`);
      for (const v of violations.filter((x) => x.file === file && x.rule === rule))
        console.error(`    line ${v.line}: ${v.text}`);
    }
    process.exit(1);
  }
  console.log(
    `architecture check passed: ${files.length} files, ${violations.length} known places left in the baseline`,
  );
}

main();
