// Benchmark: the reporting projections rebuilt by replay (`npm run reporting:rebuild`) from topics
// holding N contract events (a registration, a payment and an activation per person), in events per
// second; the bar is 20,000/s. Baseline, in the same run: a plain kafkajs consumer reading and parsing
// the same topics from the beginning.
//   npm run bench:rebuild -- [--events 300000]
// Needs Postgres and Kafka running (as after `npm start` or `npm test`).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { contractCatalog } from '@urrbmi/contracts';
import {
  appendResults,
  argNumber,
  BENCH_DB,
  benchDatabase,
  benchPersonId,
  printTable,
  ROOT,
  rssSampler,
  runBench,
  secs,
} from './bench-support';

const EVENTS = argNumber('--events', 300_000);
const PEOPLE = Math.floor(EVENTS / 3);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PREFIX = `benchrebuild${Date.now().toString(36)}.`;
const TYPES = ['enrollment.registered', 'payment.recorded', 'enrollment.activated'] as const;
const BAR = 20_000;

function envelope(catalog: ReturnType<typeof contractCatalog>, type: string, payload: object) {
  const { payload: valid, key } = catalog.preparePayload(type, 1, payload);
  return {
    key,
    value: JSON.stringify({
      eventId: randomUUID(),
      type,
      version: 1,
      occurredAt: '2023-10-16T10:00:00+08:00',
      producer: 'bench',
      correlationId: randomUUID(),
      causationId: null,
      key,
      payload: valid,
    }),
  };
}

function personEvents(catalog: ReturnType<typeof contractCatalog>, i: number) {
  const idNumber = benchPersonId(i);
  const enrollmentId = randomUUID();
  const area = { regionCode: '620725', townshipCode: `6207251${String(i % 11).padStart(2, '0')}` };
  const at = `2023-10-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00+08:00`;
  return [
    envelope(catalog, 'enrollment.registered', {
      enrollmentId,
      idNumber,
      name: `居民${i % 1000}`,
      season: 2023,
      ...area,
      kind: 'RENEWAL',
      policyId: '620725-2023',
      amountDueFen: 38000,
      registeredAt: at,
    }),
    envelope(catalog, 'payment.recorded', {
      voucherNo: `RB${i}`,
      idNumber,
      name: `居民${i % 1000}`,
      ...area,
      season: 2023,
      amountFen: 38000,
      channel: 'WECHAT',
      paidAt: at,
      feedId: randomUUID(),
    }),
    envelope(catalog, 'enrollment.activated', {
      enrollmentId,
      idNumber,
      season: 2023,
      ...area,
      paidAs: 'PAID',
      paidFen: 38000,
      benefitStart: '2024-01-01',
      benefitEnd: '2024-12-31',
      waitingMonths: 0,
      activatedAt: at,
    }),
  ];
}

async function main(): Promise<void> {
  const catalog = contractCatalog();
  const kafka = new Kafka({ brokers: BROKERS, clientId: 'bench-rebuild', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: TYPES.map((t) => ({ topic: `${PREFIX}${t}`, numPartitions: 6 })) });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = Date.now();
  for (let i = 0; i < PEOPLE; i += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, PEOPLE - i) }, (_, k) => personEvents(catalog, i + k));
    await producer.sendBatch({
      acks: -1,
      topicMessages: TYPES.map((t, j) => ({ topic: `${PREFIX}${t}`, messages: batch.map((b) => b[j]) })),
    });
  }
  await producer.disconnect();
  console.error(`[bench] ${PEOPLE * 3} events produced; reading them back (baseline)`);
  const produceMs = Date.now() - t0;

  // Baseline: read and parse every event, nothing applied.
  const consumer = kafka.consumer({ groupId: `${PREFIX}baseline` });
  await consumer.connect();
  await consumer.subscribe({ topics: TYPES.map((t) => `${PREFIX}${t}`), fromBeginning: true });
  const b0 = Date.now();
  let read = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (JSON.parse(String(m.value)).eventId) read++;
        if (read >= PEOPLE * 3) resolve();
      },
    });
  });
  const baselineMs = Date.now() - b0;
  await consumer.disconnect();
  await admin.deleteGroups([`${PREFIX}baseline`]).catch(() => undefined);
  await admin.disconnect();

  console.error(`[bench] baseline read in ${secs(baselineMs)}; rebuilding`);
  const db = await benchDatabase();
  await db.query('DROP SCHEMA IF EXISTS reporting CASCADE');
  const r0 = Date.now();
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'apps/reporting-service/src/cli/rebuild.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: BENCH_DB, KAFKA_TOPIC_PREFIX: PREFIX, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const rss = rssSampler(child.pid!);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  rss.stop();
  const rebuildMs = Date.now() - r0;
  if (code !== 0) throw new Error(`rebuild exited ${code}: ${out}`);
  const facts = Number((await db.query('SELECT count(*)::int AS n FROM reporting.fact_payment')).rows[0].n);
  await db.end();
  const perSec = Math.round((PEOPLE * 3) / (rebuildMs / 1000));
  const rows: [string, string][] = [
    [
      'events on the topics',
      `${(PEOPLE * 3).toLocaleString('en')} (${PEOPLE.toLocaleString('en')} people × registered, paid, activated; produced in ${secs(produceMs)})`,
    ],
    [
      'baseline: kafkajs read and parse, nothing applied',
      `${secs(baselineMs)} (${Math.round((PEOPLE * 3) / (baselineMs / 1000)).toLocaleString('en')} events/s)`,
    ],
    ['npm run reporting:rebuild (process start to exit)', secs(rebuildMs)],
    [
      'events/s replayed into the projections',
      `${perSec.toLocaleString('en')} (bar ${BAR.toLocaleString('en')}/s: ${perSec >= BAR ? 'met' : 'NOT met'})`,
    ],
    ['payment facts after the rebuild', facts.toLocaleString('en')],
    ['peak RSS of the rebuild', `${(rss.peak() / 2 ** 20).toFixed(0)} MiB`],
  ];
  printTable('Projection rebuild benchmark', rows);
  appendResults(`Projection rebuild, ${(PEOPLE * 3).toLocaleString('en')} events`, rows);
  if (facts !== PEOPLE) throw new Error(`${facts} payment facts, ${PEOPLE} expected`);
  console.error(`[bench] topics ${PREFIX}* left for inspection; ${path.basename(__filename)} done`);
}

runBench(main);
