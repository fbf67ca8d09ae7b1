// Benchmark: a civil-affairs roster snapshot staged and approved by subsidy-service, beside
// `psql \copy` of the same file into a plain table in the same run.
//   npm run bench:roster -- [--rows 1000000]
// Needs Postgres and Kafka as `npm test` has them; prints a table of figures.
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  argNumber,
  benchDatabase,
  copyBaseline,
  printTable,
  ROOT,
  secs,
  startBenchService,
  writeKeysFile,
  benchPersonId,
  breakCheckDigit,
  peakRssRow,
  runBench,
} from './bench-support';

const ROWS = argNumber('--rows', 1_000_000);
const CATEGORIES = [
  '特困人员',
  '农村一、二类低保',
  '农村三、四类低保',
  '城市低保全额保障对象',
  '低保边缘家庭成员',
  'MINIMUM_LIVING',
];

async function writeRoster(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('id_number,name,category,certified_region_code,valid_from,valid_to\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    let id = benchPersonId(i);
    if (i % 1000 === 999) id = breakCheckDigit(id); // 0.1% bad check digits
    chunk += `${id},居民${i % 1000},${CATEGORIES[i % CATEGORIES.length]},620725,2023-11-01,\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `roster-${ROWS}.csv`);
  await writeRoster(file);
  const db = await benchDatabase();
  const copyMs = await copyBaseline(
    db,
    file,
    'id_number text, name text, category text, certified_region_code text, valid_from date, valid_to date',
  );
  await db.query('DROP SCHEMA IF EXISTS subsidy CASCADE');
  const keys = { clerk: 'bench-ca-clerk-key-0123456789', checker: 'bench-ca-checker-key-0123456789' };
  const keysFile = writeKeysFile(path.join(dir, 'keys-roster.json'), [
    { holder: 'clerk', role: 'civil-affairs', key: keys.clerk },
    { holder: 'checker', role: 'civil-affairs', key: keys.checker },
  ]);
  const svc = await startBenchService('subsidy-service', 14992, {
    API_KEYS_FILE: keysFile,
    CLOCK_START: '2023-11-02T09:00:00+08:00',
    SUBSIDY_MATCH_SCHEDULE: 'off',
  });
  try {
    const t0 = Date.now();
    const res = await fetch(`${svc.url}/v1/rosters`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys.clerk}`,
        'content-type': 'text/csv',
        'x-roster-source': 'CIVIL_AFFAIRS',
        'x-as-of': '2023-11-01',
      },
      body: createReadStream(file) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    type Staged = { uploadId: string; status: string; rowsStaged: number; rowsRejected: number };
    let staged = (await res.json()) as Staged;
    if (res.status !== 201 && res.status !== 202)
      throw new Error(`upload failed: ${res.status} ${JSON.stringify(staged)}`);
    // A roster above ROSTER_ASYNC_ABOVE_BYTES is answered 202 and staged by its file job: followed.
    while (staged.status === 'PROCESSING') {
      await new Promise((r) => setTimeout(r, 200));
      const now = await fetch(`${svc.url}${res.headers.get('location')}`, {
        headers: { authorization: `Bearer ${keys.clerk}` },
      });
      staged = (await now.json()) as Staged;
    }
    const stageMs = Date.now() - t0;
    if (staged.status !== 'STAGED') throw new Error(`staging failed: ${JSON.stringify(staged)}`);
    const t1 = Date.now();
    const ok = await fetch(`${svc.url}/v1/rosters/${staged.uploadId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.checker}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const approved = (await ok.json()) as { identitiesChangedFor: number };
    const approveMs = Date.now() - t1;
    printTable('Roster benchmark', [
      [
        'rows in the file',
        `${ROWS.toLocaleString('en')} (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB)`,
      ],
      [
        'baseline: psql \\copy into a plain table',
        `${secs(copyMs)} (${Math.round(ROWS / (copyMs / 1000)).toLocaleString('en')} rows/s)`,
      ],
      [
        'POST /v1/rosters: validated, staged, summarised',
        `${secs(stageMs)}: ${staged.rowsStaged.toLocaleString('en')} staged, ${staged.rowsRejected} rejected (${Math.round(ROWS / (stageMs / 1000)).toLocaleString('en')} rows/s)`,
      ],
      [
        'approve: identity periods opened',
        `${secs(approveMs)}: ${approved.identitiesChangedFor.toLocaleString('en')} people`,
      ],
      peakRssRow(svc.peakRss()),
    ]);
  } finally {
    svc.stop();
    await db.end();
  }
}

runBench(main);
