// Benchmark: writing events to the outbox, the statement every use case that publishes runs.
// OutboxWriter.publish (the envelopes as one JSON text) against the statement it replaced, measured
// in the same run on the same envelopes: a `jsonb[]` parameter, which the driver turns into an array
// literal by escaping every envelope. Chunks of 5,000, as a feed chunk publishes them.
//   npm run bench:outbox-write -- [--events 100000] [--rounds 2]
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { contractCatalog, PaymentRecorded } from '@urrbmi/contracts';
import { EventToPublish, messagingMigrations, OutboxWriter } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import {
  appendResults,
  argNumber,
  BENCH_DB,
  benchDatabase,
  benchPersonId,
  printTable,
  runBench,
} from './bench-support';

const EVENTS = argNumber('--events', 100_000);
const ROUNDS = argNumber('--rounds', 2);
const CHUNK = 5000;
const SCHEMA = 'outbox_bench';

function payment(i: number, feedId: string): EventToPublish {
  const idNumber = benchPersonId(i);
  return {
    type: PaymentRecorded.type,
    version: PaymentRecorded.version,
    correlationId: feedId,
    payload: {
      voucherNo: `V${i}`,
      idNumber,
      name: '张三丰',
      regionCode: '620725',
      townshipCode: '620725100',
      villageCode: '620725100001',
      season: 2023,
      amountFen: 38000,
      channel: 'WECHAT',
      paidAt: '2023-10-01T09:00:00.000+08:00',
      feedId,
    },
  };
}

/** The insert before: five array parameters, the envelopes as `jsonb[]`. */
async function jsonbArrayInsert(m: EntityManager, writer: OutboxWriter, events: EventToPublish[]) {
  const part = writer.envelopes(events);
  await m.query(
    `INSERT INTO ${SCHEMA}.outbox (event_id, topic, event_key, event_type, envelope)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      part.map((e) => e.eventId),
      part.map((e) => e.type),
      part.map((e) => e.key),
      part.map((e) => `${e.type}@${e.version}`),
      part.map((e) => JSON.stringify(e)),
    ],
  );
}

async function main(): Promise<void> {
  // A schema of its own in the benchmark database, made afresh (its migrations table lives in it).
  const db = await benchDatabase();
  await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await db.end();
  const ds: DataSource = createServiceDataSource({
    url: BENCH_DB,
    schema: SCHEMA,
    migrations: messagingMigrations(SCHEMA),
    poolSize: 2,
  });
  await ds.initialize();
  await migrateServiceSchema(ds);
  const writer = new OutboxWriter(SCHEMA, 'bench', contractCatalog());
  const feedId = randomUUID();
  const chunks = Array.from({ length: Math.ceil(EVENTS / CHUNK) }, (_, c) =>
    Array.from({ length: Math.min(CHUNK, EVENTS - c * CHUNK) }, (_, i) => payment(c * CHUNK + i, feedId)),
  );
  const time = async (write: (m: EntityManager, events: EventToPublish[]) => Promise<unknown>) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const events of chunks) await ds.transaction((m) => write(m, events));
    const cpu = process.cpuUsage(cpu0);
    return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  const before: { wall: number; cpu: number }[] = [];
  const after: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    before.push(await time((m, events) => jsonbArrayInsert(m, writer, events)));
    after.push(await time((m, events) => writer.publish(m, events)));
    await ds.query(`TRUNCATE ${SCHEMA}.outbox`);
  }
  await ds.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await ds.destroy();
  const best = (xs: { wall: number; cpu: number }[]) => xs.reduce((a, b) => (b.wall < a.wall ? b : a));
  const [b, a] = [best(before), best(after)];
  const rate = (s: number) => `${Math.round(EVENTS / s).toLocaleString('en')} events/s`;
  const rows: [string, string][] = [
    ['events written (payment.recorded, chunks of 5,000)', EVENTS.toLocaleString('en')],
    ['baseline: envelopes as a jsonb[] parameter', `${rate(b.wall)} (node CPU ${b.cpu.toFixed(2)} s)`],
    ['OutboxWriter.publish: one JSON text', `${rate(a.wall)} (node CPU ${a.cpu.toFixed(2)} s)`],
    [
      'wall / node CPU, baseline ÷ publish',
      `${(b.wall / a.wall).toFixed(1)}x / ${(b.cpu / a.cpu).toFixed(1)}x`,
    ],
    ['best of rounds', String(ROUNDS)],
  ];
  printTable('Outbox write', rows);
  appendResults('Outbox write (one chunk of a feed, per statement shape)', rows);
}

runBench(main);
