// `npm run season -- --region 620725 --season 2023 [--scale 0.02] [--seed N]`: drives a running
// system (the five services, started with CLOCK_MODE=simulation) through one collection season, only
// through its public interfaces (HTTP routes and the files they take), time-compressed by moving the
// services' simulation clocks day by day. Ends with the final weekly bulletin and a reconciliation in
// fen; exits 1 if anything does not balance. README, "Run a season".
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { Command, Option } from 'commander';
import { loadPolicies } from '@urrbmi/policy';
import { CliError, ExitCode } from '../cli/service-client';
import { emptyLedger, SeasonLedger } from './ledger';
import { planSeason, QuotaUnit } from './population';
import { readTotals, reconcile, ReconciliationLine } from './reconciliation';
import { runSeason } from './season-run';
import { keysFromFile, SeasonSystem, SERVICES, Service } from './system';

export interface SeasonOptions {
  region: string;
  season: number;
  scale: number;
  seed: number;
  from?: string;
  host: string;
  basePort: number;
  keys: string;
  workDir: string;
  progress: boolean;
  lateWaitSeconds: number;
  timings?: boolean;
}

export interface SeasonResult {
  lines: ReconciliationLine[];
  balanced: boolean;
  wallMs: number;
  events: number;
  bulletin: string;
  ledger: SeasonLedger;
}

function fen(n: number): string {
  return n.toLocaleString('en');
}

export async function simulateSeason(
  o: SeasonOptions,
  out: (line: string) => void = console.log,
): Promise<SeasonResult> {
  const t0 = Date.now();
  const policy = loadPolicies(process.env.POLICY_DIR || undefined).get(`${o.region}-${o.season}`);
  if (!policy) throw new CliError(`no policy ${o.region}-${o.season} in the policy folder`, ExitCode.Refused);
  const urls = Object.fromEntries(
    SERVICES.map((s, i) => [s, `http://${o.host}:${o.basePort + i}`]),
  ) as Record<Service, string>;
  const bars = o.progress
    ? new MultiBar(
        { format: '{task} [{bar}] {value}/{total} {info}', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  const log = (line: string) => (bars ? bars.log(`${line}\n`) : undefined);
  const system = new SeasonSystem(urls, keysFromFile(o.keys), log);
  await system.checkClocks();

  // Quotas: the seed table reporting loaded at boot (or imported since).
  const quotas = await system
    .as('reporting-service', 'ops')
    .call<{ units: (QuotaUnit & { parentCode: string | null })[] }>('GET /v1/quotas', (c) =>
      c.GET('/v1/quotas', { params: { query: { season: o.season, region: o.region } } }),
    );
  const units = quotas.units.filter(
    (u) => u.unitCode !== o.region && !quotas.units.some((c) => c.parentCode === u.unitCode),
  );
  if (units.length === 0)
    throw new CliError(`reporting has no quota table for ${o.region} ${o.season}`, ExitCode.Refused);
  const plan = planSeason({ policy, units, scale: o.scale, seed: o.seed, from: o.from });
  const ledger = emptyLedger();
  const dir = path.join(o.workDir, `${o.region}-${o.season}-seed${o.seed}`);
  mkdirSync(dir, { recursive: true });
  const totalQuota = units.reduce((s, u) => s + u.quota, 0);
  out(
    `Season ${policy.id} (${policy.region.name}): ${plan.days[0]} .. ${plan.days[plan.days.length - 1]} (${plan.days.length} days), ` +
      `${units.length} units, quota ${fen(totalQuota)} × ${o.scale} → ${fen(plan.people.length)} people (seed ${o.seed})`,
  );

  await system.moveClock(`${plan.days[0]}T08:00:00+08:00`);
  await system.quiet();
  const months = [...new Set(plan.days.map((d) => d.slice(0, 7)))];
  const transferMonths = [...months.slice(1), nextMonth(months[months.length - 1])];
  const feedDates = plan.days;
  const before = await readTotals(system, {
    regionCode: o.region,
    season: o.season,
    feedDates,
    transferMonths,
  });

  const bulletin = await runSeason({
    system,
    plan,
    ledger,
    dir,
    bars,
    log,
    lateWaitSeconds: o.lateWaitSeconds,
    seed: o.seed,
  });
  bars?.stop();

  await system.quiet();
  const after = await readTotals(system, {
    regionCode: o.region,
    season: o.season,
    feedDates,
    transferMonths,
  });
  const lines = reconcile(ledger, before, after);
  const wallMs = Date.now() - t0;
  out('');
  out(bulletin);
  out('');
  out(`Reconciliation of this run (fen; the services' figures after the run minus before it)`);
  const w = Math.max(...lines.map((l) => l.what.length)) + 2;
  for (const l of lines)
    out(
      `  ${l.what.padEnd(w)} ${fen(l.expectedFen).padStart(16)} ${fen(l.actualFen).padStart(16)}  ${l.ok ? 'ok' : 'DOES NOT BALANCE'}`,
    );
  const balanced = lines.every((l) => l.ok);
  if (o.timings)
    for (const [k, t] of [...system.timings.entries()].sort((a, b) => b[1].ms - a[1].ms))
      out(
        `  time in ${k.padEnd(44)} ${String(t.calls).padStart(6)} calls ${(t.ms / 1000).toFixed(1).padStart(8)} s`,
      );
  out('');
  out(
    `${plan.people.length} people, ${ledger.feeds} feeds (${fen(ledger.feedRows)} rows, ${ledger.quarantinedRows} quarantined, ${ledger.lateFeeds} late` +
      `${ledger.lateAlarmSeen ? ', its feed.late seen' : ''}), ${ledger.registrations} single registrations, ${ledger.batchRows} batch rows, ` +
      `${ledger.rosterRows} roster rows, ${ledger.matchRuns} match runs, ${ledger.refunds} refunds, ${ledger.rankingsRead} weekly rankings read`,
  );
  out(
    `wall time ${(wallMs / 1000).toFixed(1)} s on ${cpus().length} cores, ~${fen(ledger.events)} events (${fen(Math.round(ledger.events / (wallMs / 1000)))}/s); ` +
      (balanced ? 'balanced to the fen' : 'NOT BALANCED'),
  );
  return { lines, balanced, wallMs, events: ledger.events, bulletin, ledger };
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function main(): void {
  const root = path.resolve(__dirname, '../..');
  const program = new Command('season')
    .description('Run a collection season against the running system (services with CLOCK_MODE=simulation)')
    .requiredOption('--region <code>', 'county code of a policy, e.g. 620725')
    .requiredOption('--season <year>', 'season of the policy, e.g. 2023')
    .option('--scale <factor>', 'people = quota × scale', '1')
    .option('--seed <n>', 'seed: the same seed makes the same season; another seed other people', '1')
    .option('--from <date>', "first collection day (default: the policy's own, else 1 September)")
    .option('--host <host>', 'host of the five services', process.env.SEASON_HOST ?? '127.0.0.1')
    .option(
      '--base-port <port>',
      'port of enrollment-service; the others follow (3101..3105)',
      process.env.SEASON_BASE_PORT ?? '3101',
    )
    .option(
      '--keys <file>',
      'plain API keys as tools/dev-keys.js writes them',
      process.env.SEASON_KEYS_FILE ?? path.join(root, '.local/dev-api-keys.json'),
    )
    .option('--work-dir <dir>', 'where the generated files are written', path.join(root, '.local/season'))
    .option(
      '--late-wait <seconds>',
      "how long to wait for the late feed's alarm (FEED_MONITOR_INTERVAL_MS)",
      '90',
    )
    .option('--timings', 'print the time spent per kind of call')
    .addOption(new Option('--no-progress', 'no progress bars'))
    .parse();
  const a = program.opts();
  simulateSeason({
    region: a.region,
    season: Number(a.season),
    scale: Number(a.scale),
    seed: Number(a.seed),
    from: a.from,
    host: a.host,
    basePort: Number(a.basePort),
    keys: a.keys,
    workDir: a.workDir,
    progress: a.progress && process.stdout.isTTY === true,
    lateWaitSeconds: Number(a.lateWait),
    timings: a.timings === true,
  }).then(
    (r) => process.exit(r.balanced ? 0 : ExitCode.Failed),
    (e: unknown) => {
      console.error(`season: ${(e as Error).message}`);
      if (e instanceof CliError && e.body) console.error(JSON.stringify(e.body, null, 2));
      process.exit(e instanceof CliError ? e.exitCode : ExitCode.Failed);
    },
  );
}

if (require.main === module) main();
