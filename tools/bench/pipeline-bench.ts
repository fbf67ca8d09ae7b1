// Benchmark: one daily feed of renewals that just pay (people nobody registered yet) through the
// whole system — the five services on their own database and topic prefix — until every consumer
// group has no lag and every projection holds every payer; `psql \copy` of the same file is the
// baseline, measured in the same run. Figures are printed and appended to tools/bench/RESULTS.md.
//   npm run bench:pipeline -- [--rows 100000]
// Needs Postgres and Kafka running (as after `npm start` or `npm test`); starts the services itself.
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, createReadStream, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import {
  argNumber,
  benchDatabase,
  BenchService,
  benchPersonId,
  copyBaseline,
  printTable,
  ROOT,
  runBench,
  secs,
  startBenchService,
} from './bench-support';

const ROWS = argNumber('--rows', 100_000);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const PREFIX = `benchpipe${Date.now().toString(36)}.`;
const BASE_PORT = 3300;
const SCHEMAS = ['enrollment', 'subsidy', 'tax_feed', 'refund', 'reporting'];
const FEED_COLUMNS =
  'voucher_no,kind,original_voucher_no,id_number,name,region_code,township_code,village_code,season,amount_fen,channel,paid_at';

async function writeFeed(file: string): Promise<number> {
  const out = createWriteStream(file);
  out.write(`${FEED_COLUMNS}\n`);
  let total = 0;
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    total += 38000;
    chunk += `P${String(i).padStart(9, '0')},PAYMENT,,${benchPersonId(i)},居民${i % 1000},620725,6207251${String(i % 11).padStart(2, '0')},,2023,38000,WECHAT,2023-10-16T10:00:00+08:00\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
  return total;
}

/**
 * Sum over every consumer group of the deployment of (end offset − committed offset), over the
 * topics each group subscribes to (read from its members' metadata): a topic a group does not read
 * has no committed offset and is not lag.
 */
async function totalLag(admin: Admin): Promise<number> {
  const groupIds = SERVICE_NAMES.map((s) => `${PREFIX}${s}`);
  const { groups } = await admin.describeGroups(groupIds);
  let lag = 0;
  for (const group of groups) {
    const topics = new Set<string>();
    for (const m of group.members)
      for (const t of AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []) topics.add(t);
    if (topics.size === 0) continue;
    const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...topics] });
    for (const t of committed) {
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const p of t.partitions) {
        const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
        lag += end - Math.max(0, Number(p.offset));
      }
    }
  }
  return lag;
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pipeline-${ROWS}.csv`);
  const totalFen = await writeFeed(file);
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
    CLOCK_START: '2023-10-17T09:00:00+08:00',
    SUBSIDY_MATCH_SCHEDULE: 'off',
  };
  const services: [string, BenchService][] = [];
  for (const [i, name] of SERVICE_NAMES.entries()) {
    services.push([name, await startBenchService(name, BASE_PORT + i, env)]);
  }
  const kafka = new Kafka({ brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const feedUrl = services.find(([n]) => n === 'tax-collection-feed-service')![1].url;
    const t0 = Date.now();
    const r = await fetch(`${feedUrl}/v1/feeds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'text/csv',
        'x-feed-date': '2023-10-16',
        'x-region-code': '620725',
        'x-record-count': String(ROWS),
        'x-total-amount-fen': String(totalFen),
      },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const answerMs = Date.now() - t0;
    if (r.status >= 300) throw new Error(`POST /v1/feeds: ${r.status} ${await r.text()}`);

    // Done when no group lags and every projection holds every payer, three checks in a row.
    const projections = async () => {
      const q = async (sql: string) => Number((await db.query(sql)).rows[0].n);
      return {
        enrollmentActive: await q(`SELECT count(*) AS n FROM enrollment.enrollments WHERE status = 'ACTIVE'`),
        rosterActive: await q(`SELECT count(*) AS n FROM tax_feed.roster WHERE status = 'ACTIVE'`),
      };
    };
    let steady = 0;
    let last = { lag: -1, enrollmentActive: 0, rosterActive: 0 };
    while (steady < 3) {
      await new Promise((res) => setTimeout(res, 500));
      last = { lag: await totalLag(admin), ...(await projections()) };
      const done = last.lag === 0 && last.enrollmentActive === ROWS && last.rosterActive === ROWS;
      steady = done ? steady + 1 : 0;
      if (Date.now() - t0 > 3_600_000) throw new Error(`not done after an hour: ${JSON.stringify(last)}`);
    }
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
    for (const [, s] of services) s.stop();
    await db.end();
  }
}

runBench(main);
