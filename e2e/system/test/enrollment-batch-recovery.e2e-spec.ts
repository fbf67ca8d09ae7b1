import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';
import {
  api,
  freshDatabase,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';
import { publishedEvents, waitForOutboxSent } from './support/topics';

const mib = TEST_KEYS.mib.key;
const ROWS = 20_000;
const prefix = `${process.env.KAFKA_TOPIC_PREFIX}batchrecovery.`;

function personId(n: number): string {
  const d = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 1000) * 86_400_000 * 37);
  const first17 = `620725${d.toISOString().slice(0, 10).replace(/-/g, '')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

async function upload(url: string, csv: string, type = 'REGISTRATIONS') {
  const r = await fetch(`${url}/v1/enrollments/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${mib}`, 'content-type': 'text/csv', 'x-batch-type': type },
    body: csv,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & { batchId: string } };
}

describe('enrollment batches: bad rows never fail a batch, a FAILED batch is not locked out', () => {
  let db: Client;
  let dbUrl: string;
  const env = () => ({
    DATABASE_URL: dbUrl,
    API_KEYS_FILE: writeKeysFile(),
    KAFKA_TOPIC_PREFIX: prefix,
    CLOCK_START: '2023-10-15T10:00:00+08:00',
  });

  beforeAll(async () => {
    dbUrl = await freshDatabase('batchrecovery');
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
  });

  it('rejects death-list rows with an impossible day or a season out of range, with a reason, and finishes the batch', async () => {
    const svc = spawnService('enrollment-service', 20260, env());
    try {
      await waitReady(svc);
      const csv = [
        'id_number,season,date_of_death',
        `${personId(1)},2023,2023-02-30`,
        `${personId(2)},99999999999,2023-11-01`,
        `${personId(3)},2101,2023-11-01`,
        `${personId(4)},2023,2023-11-01`,
      ].join('\n');
      const r = await upload(svc.url, csv, 'DEATHS');
      expect(r.status).toBe(202);
      const done = await waitFor(
        'deaths batch',
        async () => (await api(svc.url, 'GET', `/v1/enrollments/batch/${r.body.batchId}`, mib)).body,
        (b) => b.status === 'DONE' || b.status === 'FAILED',
      );
      expect(done).toMatchObject({ status: 'DONE', error: null, accepted: 0, rejected: 4 });
      const rejects = (
        await db.query(
          `SELECT line_no, code, message FROM enrollment.batch_rejects WHERE batch_id = $1 ORDER BY line_no`,
          [r.body.batchId],
        )
      ).rows;
      expect(rejects).toEqual([
        { line_no: 2, code: 'INVALID_ROW', message: 'date_of_death must be a real calendar day YYYY-MM-DD' },
        { line_no: 3, code: 'INVALID_ROW', message: 'season must be a year from 2000 to 2100' },
        { line_no: 4, code: 'INVALID_ROW', message: 'season must be a year from 2000 to 2100' },
        { line_no: 5, code: 'NOT_ENROLLED', message: 'no live enrolment in season 2023' },
      ]);
    } finally {
      await svc.stop();
    }
  });

  it('resumes a FAILED batch from its checkpoint when the same file is uploaded again, enrolling everyone once', async () => {
    const csv =
      'id_number,name,season,region_code,township_code,village_code,kind\n' +
      Array.from(
        { length: ROWS },
        (_, i) => `${personId(i)},居民${i},2023,620725,6207251${String(i % 11).padStart(2, '0')},,RENEWAL`,
      ).join('\n') +
      '\n';
    const first = spawnService('enrollment-service', 20270, env());
    await waitReady(first);
    const r = await upload(first.url, csv);
    expect(r.status).toBe(202);
    const enrolled = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM enrollment.enrollments WHERE details->>'batchId' = $1`,
          [r.body.batchId],
        )
      ).rows[0].n as number;
    await waitFor('a first chunk', enrolled, (n) => n >= 2000, 120_000);
    first.child.kill('SIGKILL');
    await new Promise((res) => first.child.once('exit', res));
    const atKill = await enrolled();
    expect(atKill).toBeLessThan(ROWS);
    // What an earlier failure (a database gone past the retry budget, an old release) leaves behind.
    await db.query(
      `UPDATE enrollment.batches SET status = 'FAILED', error = 'the database went away', finished_at = now()`,
    );

    const second = spawnService('enrollment-service', 20270, env());
    try {
      await waitReady(second);
      const again = await upload(second.url, csv);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        batchId: r.body.batchId,
        sameContentAsEarlierBatch: true,
        error: null,
      });
      const done = await waitFor(
        'batch resumed to the end',
        async () => (await api(second.url, 'GET', `/v1/enrollments/batch/${r.body.batchId}`, mib)).body,
        (b) => b.status === 'DONE' || b.status === 'FAILED',
        300_000,
      );
      expect(done).toMatchObject({ status: 'DONE', error: null, accepted: ROWS, rejected: 0 });
      const [counts] = (
        await db.query(
          `SELECT count(*)::int AS enrolments, count(DISTINCT id_number)::int AS people FROM enrollment.enrollments`,
        )
      ).rows;
      expect(counts).toEqual({ enrolments: ROWS, people: ROWS });
      // One enrollment.registered per enrolment, though the first process was killed half way.
      await waitForOutboxSent(db, 'enrollment');
      const registered = await publishedEvents(`${prefix}enrollment.registered`);
      expect(registered).toHaveLength(ROWS);
      expect(new Set(registered.map((e) => e.payload.idNumber)).size).toBe(ROWS);
    } finally {
      await second.stop();
    }
  });
});
