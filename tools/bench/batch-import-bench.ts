// Benchmark: one large XLSX of registrations (a county's renewal run, as a spreadsheet) imported by
// enrollment-service under several V8 heap limits, one after the other in the same run, to choose
// the heap a deployment gives a service (NODE_OPTIONS=--max-old-space-size).
//   npm run bench:batch-import -- [--rows 300000] [--heaps 256,384,0]   (0 = node's default)
// Needs Postgres and Kafka as `npm test` has them (it starts neither); prints a table of figures.
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { XLSX_TYPE } from '@urrbmi/files';
import {
  appendResults,
  argNumber,
  benchDatabase,
  benchPersonId,
  printTable,
  ROOT,
  runBench,
  secs,
  startBenchService,
  benchKey,
} from './bench-support';

const ROWS = argNumber('--rows', 300_000);
const HEAPS = (() => {
  const args = process.argv.slice(2);
  const i = args.indexOf('--heaps');
  const list = i >= 0 ? args[i + 1] : '256,384,0';
  return list.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--heaps: ${s} is not a size in MiB`);
    return n;
  });
})();

/**
 * The workbook as Excel writes one: every text cell in the shared strings table, which a reader
 * has to hold while it reads the sheet (unique names and ID numbers make it as large as it gets).
 */
async function writeWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = wb.addWorksheet('registrations');
  sheet
    .addRow(['id_number', 'name', 'season', 'region_code', 'township_code', 'village_code', 'kind'])
    .commit();
  for (let i = 0; i < ROWS; i++) {
    sheet
      .addRow([
        benchPersonId(i),
        `居民${i}`,
        2023,
        '620725',
        `6207251${String(i % 11).padStart(2, '0')}`,
        '',
        'RENEWAL',
      ])
      .commit();
  }
  await sheet.commit();
  await wb.commit();
}

interface Outcome {
  heap: number;
  ms: number;
  peakRss: number;
  status: string;
  accepted: number;
}

async function importOnce(file: string, heap: number, keysFile: string, key: string): Promise<Outcome> {
  const db = await benchDatabase();
  await db.query('DROP SCHEMA IF EXISTS enrollment CASCADE');
  await db.end();
  const svc = await startBenchService(
    'enrollment-service',
    14980,
    {
      API_KEYS_FILE: keysFile,
      KAFKA_TOPIC_PREFIX: `bench${Date.now().toString(36)}.`,
      CLOCK_START: '2023-10-15T10:00:00+08:00',
    },
    { nodeArgs: heap ? [`--max-old-space-size=${heap}`] : [] },
  );
  let alive = true;
  try {
    const t0 = Date.now();
    const res = await fetch(`${svc.url}/v1/enrollments/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': XLSX_TYPE,
        'x-batch-type': 'REGISTRATIONS',
        'x-file-name': path.basename(file),
      },
      body: createReadStream(file) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    if (!res) {
      alive = false; // died while taking the upload
      return { heap, ms: Date.now() - t0, peakRss: svc.peakRss(), status: 'CRASHED', accepted: 0 };
    }
    const posted = (await res.json()) as { batchId?: string };
    if (!posted.batchId) throw new Error(`upload refused: ${res.status} ${JSON.stringify(posted)}`);
    for (;;) {
      const r = await fetch(`${svc.url}/v1/enrollments/batch/${posted.batchId}`, {
        headers: { authorization: `Bearer ${key}` },
      }).catch(() => undefined);
      if (!r) {
        // The process is gone (out of memory): what the heap limit did to this file.
        alive = false;
        return { heap, ms: Date.now() - t0, peakRss: svc.peakRss(), status: 'CRASHED', accepted: 0 };
      }
      const b = (await r.json()) as { status: string; accepted: number };
      if (b.status === 'DONE' || b.status === 'FAILED')
        return { heap, ms: Date.now() - t0, peakRss: svc.peakRss(), status: b.status, accepted: b.accepted };
      if (Date.now() - t0 > 30 * 60_000) throw new Error('timed out waiting for the batch');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    if (alive) await svc.stopped();
    else svc.stop();
  }
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `registrations-${ROWS}.xlsx`);
  console.error(`[bench] writing ${ROWS} registrations to ${file}`);
  await writeWorkbook(file);
  const { key, keysFile } = benchKey(path.join(dir, 'batch-import-keys.json'), 'mib');
  const outcomes: Outcome[] = [];
  for (const heap of HEAPS) {
    console.error(`[bench] importing under heap ${heap || 'default'}`);
    outcomes.push(await importOnce(file, heap, keysFile, key));
  }
  const rows: [string, string][] = [
    ['rows in the workbook', ROWS.toLocaleString('en-US')],
    ['workbook size', `${(statSync(file).size / 2 ** 20).toFixed(1)} MiB (every text cell a shared string)`],
    ...outcomes.map((o): [string, string] => [
      `heap ${o.heap ? `${o.heap} MiB` : "node's default"}: status, time, rows/s`,
      `${o.status} ${o.accepted.toLocaleString('en-US')}, ${secs(o.ms)}, ${Math.round((o.accepted * 1000) / o.ms)}`,
    ]),
    ...outcomes.map((o): [string, string] => [
      `heap ${o.heap ? `${o.heap} MiB` : "node's default"}: peak RSS`,
      `${(o.peakRss / 2 ** 20).toFixed(0)} MiB`,
    ]),
  ];
  printTable('XLSX registration batch under V8 heap limits', rows);
  appendResults('XLSX registration batch under V8 heap limits', rows);
}

runBench(main);
