// Benchmark: one daily feed of renewals that just pay (people nobody registered yet) through the
// whole system — the five services on their own database and topic prefix — until every consumer
// group has no lag and every projection holds every payer; `psql \copy` of the same file is the
// baseline, measured in the same run. Figures are printed and appended to tools/bench/RESULTS.md.
//   npm run bench:pipeline -- [--rows 100000] [--heap-mib 384] [--cpu-prof enrollment-service[,…]]
// --cpu-prof <services> writes those services' V8 CPU profiles to .local/bench/profiles, named
// <service>-<topic prefix>.cpuprofile (summarise each with tools/bench/cpu-profile-top.ts).
// Needs Postgres and Kafka running (as after `npm start` or `npm test`); starts the services itself.
// The same run at 20,000 rows is a correctness test in `npm test` (pipeline-20k.e2e-spec.ts).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
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
import {
  FEED_COLUMNS,
  PIPELINE_CLOCK_START,
  postFeed,
  waitUntilApplied,
  writeRenewalFeed,
} from './pipeline-run';

const ROWS = argNumber('--rows', 100_000);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const PREFIX = `benchpipe${Date.now().toString(36)}.`;
const BASE_PORT = 3300;
const PROFILED = new Set(
  process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1].split(',') : [],
);
const PROFILE_DIR = path.join(ROOT, '.local/bench/profiles');

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pipeline-${ROWS}.csv`);
  const totalFen = await writeRenewalFeed(file, ROWS);
  const db = await benchDatabase();
  const copyMs = await copyBaseline(
    db,
    file,
    FEED_COLUMNS.split(',')
      .map((c) => `${c} text`)
      .join(', '),
  );

  const key = randomUUID();
  const system = await startBenchSystem(db, {
    dir,
    basePort: BASE_PORT,
    keys: [{ holder: 'bench', role: 'tax', key }],
    env: {
      KAFKA_TOPIC_PREFIX: PREFIX,
      CLOCK_START: PIPELINE_CLOCK_START,
      SUBSIDY_MATCH_SCHEDULE: 'off',
    },
    nodeArgsFor: (name) =>
      PROFILED.has(name)
        ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}-${PREFIX}cpuprofile`]
        : [],
  });
  const kafka = new Kafka({ brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const feedUrl = system.url('tax-collection-feed-service');
    const t0 = Date.now();
    await postFeed(feedUrl, key, file, ROWS, totalFen);
    const answerMs = Date.now() - t0;
    await waitUntilApplied(db, admin, PREFIX, ROWS, 3_600_000);
    const endMs = Date.now() - t0 - 1000; // the last two confirming checks are not work
    const rowsPerSec = Math.round(ROWS / (endMs / 1000));
    const rows: [string, string][] = [
      ['rows (renewals that just pay)', ROWS.toLocaleString('en')],
      ['psql \\copy of the same file (baseline)', secs(copyMs)],
      ['POST /v1/feeds answered', secs(answerMs)],
      ['every consumer applied, no lag', secs(endMs)],
      ['rows/s end to end', rowsPerSec.toLocaleString('en')],
      ['x the \\copy baseline', `${(endMs / copyMs).toFixed(0)}x`],
      ...system.rssRows(),
    ];
    printTable('Daily feed through every consumer', rows);
    appendResults(`Daily feed end to end, ${ROWS.toLocaleString('en')} rows`, rows);
  } finally {
    await admin.disconnect();
    await system.stopped();
    await db.end();
  }
}

runBench(main);
