// Benchmark: a whole collection season (`npm run season`) against the five services started here on
// a database and topic prefix of their own: wall time, events per second through the system, and peak
// RSS per service. Baseline, measured in the same run: `psql \copy` of every feed file of the season.
//   npm run bench:season -- [--scale 0.05] [--region 620725] [--season 2023] [--from <first collection day>]
// Needs Postgres and Kafka running (as after `npm start` or `npm test`); starts the services itself.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import { loadPolicies } from '@urrbmi/policy';
import { collectionDays } from '../season/population';
import { simulateSeason } from '../season/season';
import {
  appendResults,
  argNumber,
  benchDatabase,
  copyBaseline,
  printTable,
  ROOT,
  runBench,
  secs,
  startBenchSystem,
} from './bench-support';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  args.includes(name) ? args[args.indexOf(name) + 1] : fallback;
const SCALE = Number(arg('--scale', '0.05'));
const REGION = arg('--region', '620725');
const SEASON = argNumber('--season', 2023);
// The first collection day: the policy's own (Zhuji 2023 collects from 1 October 2022), or
// 1 September of the window's last year where the notice leaves it open.
const FROM = args.includes('--from') ? arg('--from', '') : firstCollectionDay();

function firstCollectionDay(): string {
  const policy = loadPolicies().get(`${REGION}-${SEASON}`);
  if (!policy) throw new Error(`no policy ${REGION}-${SEASON} in libs/policy/policies`);
  return collectionDays(policy)[0];
}
const BASE_PORT = argNumber('--base-port', 21760 + Number(process.env.E2E_PORT_OFFSET ?? 0));

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench/season');
  mkdirSync(dir, { recursive: true });
  const db = await benchDatabase();
  const roles = [
    'mib',
    'mib',
    'tax',
    'finance',
    'civil-affairs',
    'civil-affairs',
    'rural-revitalization',
    'rural-revitalization',
    'ops',
  ];
  const first = FROM;
  const system = await startBenchSystem(db, {
    dir,
    basePort: BASE_PORT,
    keys: roles.map((role, i) => ({
      holder: `bench-${role}-${i}`,
      role,
      key: `bench-season-${i}-${Date.now()}`,
    })),
    env: {
      KAFKA_TOPIC_PREFIX: `benchseason${Date.now().toString(36)}.`,
      CLOCK_MODE: 'simulation',
      CLOCK_START: `${first}T08:00:00+08:00`,
      FEED_MONITOR_FROM: first,
      FEED_MONITOR_INTERVAL_MS: '500',
      SUBSIDY_MATCH_CHECK_MS: '1000',
      REPORTING_ALERT_CHECK_INTERVAL_MS: '5000',
      REPORTING_METRICS_URLS: SERVICE_NAMES.map(
        (n, i) => `${n}=http://127.0.0.1:${BASE_PORT + i}/metrics`,
      ).join(','),
    },
  });
  try {
    const work = path.join(dir, 'files');
    const seed = Date.now() % 100_000;
    const result = await simulateSeason({
      region: REGION,
      season: SEASON,
      scale: SCALE,
      seed,
      from: FROM,
      host: '127.0.0.1',
      basePort: BASE_PORT,
      keys: path.join(dir, 'dev-api-keys.json'),
      workDir: work,
      progress: process.stdout.isTTY === true,
      lateWaitSeconds: 60,
    });
    // Baseline: the season's feed rows, all in one file, copied into a plain table.
    // This run's files only: the folder keeps earlier runs' (other regions, other seeds).
    const runDir = path.join(work, `${REGION}-${SEASON}-seed${seed}`);
    const feeds = readdirSync(runDir).filter((f) => f.startsWith('feed-'));
    const lines = feeds.flatMap((f) =>
      readFileSync(path.join(runDir, f), 'utf8').trim().split('\n').slice(1),
    );
    const all = path.join(dir, 'all-feeds.csv');
    writeFileSync(
      all,
      `${readFileSync(path.join(runDir, feeds[0]), 'utf8').split('\n')[0]}\n${lines.join('\n')}\n`,
    );
    const header = readFileSync(all, 'utf8').split('\n')[0];
    const copyMs = await copyBaseline(
      db,
      all,
      header
        .split(',')
        .map((c) => `${c} text`)
        .join(', '),
    );
    const rows: [string, string][] = [
      ['season', `${REGION}-${SEASON} from ${FROM}, scale ${SCALE}`],
      [
        'people / feed rows',
        `${result.ledger.payers.toLocaleString('en')} payers / ${lines.length.toLocaleString('en')} rows in ${feeds.length} files`,
      ],
      ['baseline: psql \\copy of every feed row', secs(copyMs)],
      ['wall time of the season', secs(result.wallMs)],
      ['events published through the system', result.events.toLocaleString('en')],
      ['events/s', Math.round(result.events / (result.wallMs / 1000)).toLocaleString('en')],
      ['balanced to the fen', result.balanced ? 'yes' : 'NO'],
      ...system.rssRows(),
    ];
    printTable('Season benchmark', rows);
    appendResults(`Season ${REGION}-${SEASON}, scale ${SCALE}`, rows);
    if (!result.balanced) process.exitCode = 1;
  } finally {
    await system.stopped();
    await db.end();
  }
}

runBench(main);
