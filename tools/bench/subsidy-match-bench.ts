// Benchmark: the monthly match over 1,000,000 paid enrolments against 200,000 roster identities,
// beside a plain SQL join of the same tables measured in the same run.
//   npm run bench:subsidy-match -- [--enrolments 1000000] [--identities 200000]
// Needs Postgres and Kafka as `npm test` has them; prints a table of figures.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  appendResults,
  argNumber,
  benchPersonId,
  benchDatabase,
  printTable,
  ROOT,
  secs,
  startBenchService,
  benchKey,
  peakRssRow,
  runBench,
} from './bench-support';

const ENROLMENTS = argNumber('--enrolments', 1_000_000);
const IDENTITIES = argNumber('--identities', 200_000);

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const db = await benchDatabase();
  await db.query('DROP SCHEMA IF EXISTS subsidy CASCADE');
  const { key, keysFile } = benchKey(path.join(dir, 'keys-subsidy.json'), 'mib');
  const svc = await startBenchService('subsidy-service', 14991, {
    API_KEYS_FILE: keysFile,
    CLOCK_START: '2023-12-01T09:00:00+08:00',
    SUBSIDY_MATCH_SCHEDULE: 'off',
    OUTBOX_BATCH_SIZE: '5000',
  });
  const run = async () => {
    const t0 = Date.now();
    const res = await fetch(`${svc.url}/v1/match-runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ month: '2023-11' }),
    });
    const body = (await res.json()) as { candidates: number; transfersCreated: number };
    if (res.status !== 200) throw new Error(`match run failed: ${res.status} ${JSON.stringify(body)}`);
    return { ms: Date.now() - t0, ...body };
  };
  try {
    console.error(`[bench] loading ${ENROLMENTS} paid enrolments and ${IDENTITIES} identities`);
    const load0 = Date.now();
    const CH = 50_000;
    for (let i = 0; i < ENROLMENTS; i += CH) {
      const ids = Array.from({ length: Math.min(CH, ENROLMENTS - i) }, (_, k) => benchPersonId(i + k));
      await db.query(
        `INSERT INTO subsidy.enrolments (id_number, season, region_code, enrollment_id, status, paid_fen, paid_in_full_on)
         SELECT x, 2023, '620725', gen_random_uuid(), 'REGISTERED', 38000, DATE '2023-10-16' FROM unnest($1::text[]) AS x`,
        [ids],
      );
    }
    const upload = randomUUID();
    for (let i = 0; i < IDENTITIES; i += CH) {
      // Every (ENROLMENTS / IDENTITIES)-th person is certified rural minimum-living class 1-2 from 5 November.
      const ids = Array.from({ length: Math.min(CH, IDENTITIES - i) }, (_, k) =>
        benchPersonId((i + k) * Math.floor(ENROLMENTS / IDENTITIES)),
      );
      await db.query(
        `INSERT INTO subsidy.identities (id_number, source, category, certified_region_code, valid_from, opened_by)
         SELECT x, 'CIVIL_AFFAIRS', 'MINIMUM_LIVING_RURAL_CLASS_1_2', '620725', DATE '2023-11-05', $2 FROM unnest($1::text[]) AS x`,
        [ids, upload],
      );
    }
    await db.query('ANALYZE subsidy.enrolments; ANALYZE subsidy.identities');
    const loadMs = Date.now() - load0;
    const j0 = Date.now();
    const [{ n }] = (
      await db.query(
        `SELECT count(*)::int AS n FROM subsidy.enrolments e JOIN subsidy.identities i ON i.id_number = e.id_number
          WHERE e.paid_in_full_on <= DATE '2023-11-30' AND i.valid_from <= DATE '2023-11-30'`,
      )
    ).rows;
    const joinMs = Date.now() - j0;
    const first = await run();
    const again = await run();
    const rows: [string, string][] = [
      [
        'paid enrolments / certified identities',
        `${ENROLMENTS.toLocaleString('en')} / ${IDENTITIES.toLocaleString('en')} (loaded in ${secs(loadMs)})`,
      ],
      ['baseline: plain SQL join counting the matches', `${secs(joinMs)} (${n.toLocaleString('en')} rows)`],
      [
        'POST /v1/match-runs (transfers and their events written)',
        `${secs(first.ms)}: ${first.candidates.toLocaleString('en')} candidates, ${first.transfersCreated.toLocaleString('en')} transfers`,
      ],
      ['the same month again (adds nothing)', `${secs(again.ms)}: ${again.transfersCreated} transfers`],
      peakRssRow(svc.peakRss()),
    ];
    printTable('Monthly match benchmark', rows);
    appendResults(
      `Monthly match, ${ENROLMENTS.toLocaleString('en')} enrolments × ${IDENTITIES.toLocaleString('en')} identities`,
      rows,
    );
  } finally {
    svc.stop();
    await db.end();
  }
}

runBench(main);
