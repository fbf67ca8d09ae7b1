// Benchmark: one generated daily feed through tax-collection-feed-service, against `psql \copy` of
// the same rows into a plain table measured in the same run.
//   npm run bench:tax-feed -- [--rows 1000000] [--heap-mib 384]
// Needs Postgres and Kafka as `npm test` has them (it starts neither); prints a table of figures.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  argNumber,
  benchDatabase,
  copyBaseline,
  printTable,
  ROOT,
  secs,
  startBenchService,
  benchKey,
  benchPersonId,
  breakCheckDigit,
  peakRssRow,
  heapCapRow,
  runBench,
} from './bench-support';

const ROWS = argNumber('--rows', 1_000_000);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const PREFIX = `bench${Date.now().toString(36)}.`;
const CHANNELS = [
  'WECHAT',
  'WECHAT',
  'WECHAT',
  'ALIPAY',
  'ALIPAY',
  'BANK_APP',
  'BANK_COUNTER',
  'TAX_APP',
  'E_TAX',
  'TAX_WINDOW',
  'VILLAGE_AGENT',
  'SCHOOL',
  'PROXY',
];

async function writeFeed(file: string): Promise<{ count: number; total: number }> {
  const out = createWriteStream(file);
  out.write(
    'voucher_no,kind,original_voucher_no,id_number,name,region_code,township_code,village_code,season,amount_fen,channel,paid_at\n',
  );
  let total = 0;
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    let id = benchPersonId(i);
    const bad = i % 200 === 199; // 0.5%: a broken check digit
    if (bad) id = breakCheckDigit(id);
    const amount = i % 10 === 0 ? 7000 : 38000;
    total += amount;
    chunk += `B${String(i).padStart(9, '0')},PAYMENT,,${id},居民${i % 1000},620725,6207251${String(i % 11).padStart(2, '0')},,2023,${amount},${CHANNELS[i % CHANNELS.length]},2023-10-16T${String(8 + (i % 12)).padStart(2, '0')}:00:00+08:00\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
  return { count: ROWS, total };
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `feed-${ROWS}.csv`);
  console.error(`[bench] writing ${ROWS} rows to ${file}`);
  const totals = await writeFeed(file);
  const bytes = statSync(file).size;

  const db = await benchDatabase();
  // Baseline: psql \copy of the same file into a plain table.
  const copyMs = await copyBaseline(
    db,
    file,
    'voucher_no text, kind text, original_voucher_no text, id_number text, name text, region_code text, township_code text, village_code text, season int, amount_fen int, channel text, paid_at timestamptz',
  );
  // The service, fresh schema, its own topic prefix.
  await db.query('DROP SCHEMA IF EXISTS tax_feed CASCADE');
  const { key, keysFile } = benchKey(path.join(dir, 'keys.json'), 'tax');
  const svc = await startBenchService('tax-collection-feed-service', 14990, {
    API_KEYS_FILE: keysFile,
    KAFKA_TOPIC_PREFIX: PREFIX,
    CLOCK_START: '2023-10-17T09:00:00+08:00',
    OUTBOX_BATCH_SIZE: '5000',
    // Measured until the final answer, as before large feeds were answered 202 at once.
    FEED_ASYNC_ABOVE_BYTES: '2GiB',
  });
  try {
    const kafka = new Kafka({ brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({
      topics: [`${PREFIX}payment.recorded`, `${PREFIX}feed.accepted`],
      fromBeginning: true,
    });
    let payments = 0;
    let acceptedAt = 0;
    let lastPaymentAt = 0;
    let expected = Infinity;
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (batch.topic.endsWith('feed.accepted')) acceptedAt ||= Date.now();
        else payments += batch.messages.length;
        if (payments >= expected && !lastPaymentAt) lastPaymentAt = Date.now();
      },
    });

    const t0 = Date.now();
    const res = await fetch(`${svc.url}/v1/feeds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'text/csv',
        'x-feed-date': '2023-10-16',
        'x-region-code': '620725',
        'x-record-count': String(totals.count),
        'x-total-amount-fen': String(totals.total),
      },
      body: createReadStream(file) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    const result = (await res.json()) as { applied: number; quarantined: number; status: string };
    const responseMs = Date.now() - t0;
    expected = result.applied;
    if (payments >= expected) lastPaymentAt ||= Date.now();
    while (!acceptedAt || !lastPaymentAt) {
      if (Date.now() - t0 > 30 * 60_000) throw new Error('timed out waiting for Kafka');
      await new Promise((r) => setTimeout(r, 200));
    }
    await consumer.disconnect();
    const rss = svc.peakRss();
    printTable('Tax feed benchmark', [
      [
        'rows in the file',
        `${ROWS.toLocaleString('en')} (${(bytes / 2 ** 20).toFixed(0)} MiB), ${result.applied.toLocaleString('en')} applied, ${result.quarantined} quarantined`,
      ],
      [
        'baseline: psql \\copy into a plain table',
        `${secs(copyMs)} (${Math.round(ROWS / (copyMs / 1000)).toLocaleString('en')} rows/s)`,
      ],
      [
        'POST /v1/feeds until the response (all rows applied)',
        `${secs(responseMs)} (${Math.round(ROWS / (responseMs / 1000)).toLocaleString('en')} rows/s, ${(responseMs / copyMs).toFixed(1)}x the baseline)`,
      ],
      ['until feed.accepted is in Kafka', secs(acceptedAt - t0)],
      ['until the last payment.recorded is in Kafka', secs(lastPaymentAt - t0)],
      heapCapRow(),
      peakRssRow(rss),
    ]);
  } finally {
    svc.stop();
    await db.end();
  }
}

runBench(main);
