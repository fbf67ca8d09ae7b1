// Benchmark: one daily feed of renewals that just pay (people nobody registered yet) through the
// whole system — the five services on their own database and topic prefix — until every consumer
// group has no lag and every projection holds every payer; `psql \copy` of the same file is the
// baseline, measured in the same run. Figures are printed and appended to tools/bench/RESULTS.md.
//   npm run bench:pipeline -- [--rows 100000] [--cpu-prof enrollment-service]
// --cpu-prof <service> writes that service's V8 CPU profile to .local/bench/profiles
// (summarise it with tools/bench/cpu-profile-top.ts).
// Needs Postgres and Kafka running (as after `npm start` or `npm test`); starts the services itself.
// The same run at 20,000 rows is a correctness test in `npm test` (pipeline-20k.e2e-spec.ts).
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import {
  argNumber,
  benchDatabase,
  BenchService,
  copyBaseline,
  printTable,
  ROOT,
  runBench,
  secs,
  startBenchService,
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
const SCHEMAS = ['enrollment', 'subsidy', 'tax_feed', 'refund', 'reporting'];
const PROFILED = process.argv.includes('--cpu-prof')
  ? process.argv[process.argv.indexOf('--cpu-prof') + 1]
  : '';
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
  for (const s of SCHEMAS) await db.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);

  const key = randomUUID();
  const keysFile = path.join(dir, 'pipeline-keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: [{ holder: 'bench', role: 'tax', sha256: createHash('sha256').update(key).digest('hex') }],
    }),
  );
  const env = {
    API_KEYS_FILE: keysFile,
    KAFKA_TOPIC_PREFIX: PREFIX,
    CLOCK_START: PIPELINE_CLOCK_START,
    SUBSIDY_MATCH_SCHEDULE: 'off',
  };
  const services: [string, BenchService][] = [];
  for (const [i, name] of SERVICE_NAMES.entries()) {
    const nodeArgs = name === PROFILED ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    services.push([name, await startBenchService(name, BASE_PORT + i, env, { nodeArgs })]);
  }
  const kafka = new Kafka({ brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const feedUrl = services.find(([n]) => n === 'tax-collection-feed-service')![1].url;
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
      ...services.map(([n, s]): [string, string] => [
        `peak RSS ${n}`,
        `${(s.peakRss() / 2 ** 20).toFixed(0)} MiB`,
      ]),
    ];
    printTable('Daily feed through every consumer', rows);
    appendFileSync(
      path.join(ROOT, 'tools/bench/RESULTS.md'),
      `\n### Daily feed end to end, ${ROWS.toLocaleString('en')} rows — ${new Date().toISOString().slice(0, 16)}Z, ` +
        `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB\n\n| figure | value |\n|---|---|\n` +
        rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n') +
        '\n',
    );
  } finally {
    await admin.disconnect();
    await Promise.all(services.map(([, s]) => s.stopped()));
    await db.end();
  }
}

runBench(main);
