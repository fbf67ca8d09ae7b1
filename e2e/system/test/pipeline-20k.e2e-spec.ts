import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test runs the benchmark's and simulator's own code, not a copy
import {
  PIPELINE_CLOCK_START,
  postFeed,
  RENEWAL_FEN,
  waitUntilApplied,
  writeRenewalFeed,
} from '../../../tools/bench/pipeline-run';
import {
  freshDatabase,
  SERVICES,
  ServiceName,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitReady,
  writeKeysFile,
} from './support/services';

// The pipeline benchmark (`npm run bench:pipeline`) at 20,000 rows, as a correctness test: one daily
// feed of 20,000 renewals that just pay, through all five services, and every projection holds
// exactly what the feed says. No timing is asserted; the timeouts are generous for a shared machine
// (10.7 min in all, 8.5 min for the pipeline, at load average ~45 on 2 cores on 2026-11-27).
const ROWS = 20_000;
const BASE_PORT = 21800;
const TAG = 'regbenchpipe';

describe('pipeline: a 20,000-row daily feed through every consumer', () => {
  const services = new Map<ServiceName, ServiceProcess>();
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}${TAG}.`;
  let db: Client;
  let admin: Admin;

  beforeAll(async () => {
    const dbUrl = await freshDatabase(TAG);
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      CLOCK_START: PIPELINE_CLOCK_START,
      SUBSIDY_MATCH_SCHEDULE: 'off',
    };
    for (const name of Object.keys(SERVICES) as ServiceName[])
      services.set(name, spawnService(name, BASE_PORT, env));
    await Promise.all([...services.values()].map((s) => waitReady(s, 300_000)));
    db = new Client({ connectionString: dbUrl });
    await db.connect();
    admin = new Kafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
  }, 360_000);

  afterAll(async () => {
    await admin?.disconnect();
    await db?.end();
    await Promise.all([...services.values()].map((s) => s.stop()));
  });

  it('applies every payment once in every service, with exact counts and totals', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'urrbmi-pipeline-')), 'feed.csv');
    const totalFen = await writeRenewalFeed(file, ROWS);
    expect(totalFen).toBe(ROWS * RENEWAL_FEN);
    const feedUrl = services.get('tax-collection-feed-service')!.url;
    await postFeed(feedUrl, TEST_KEYS.tax.key, file, ROWS, totalFen);

    const figures = await waitUntilApplied(db, admin, prefix, ROWS, 1_500_000);
    expect(figures).toEqual({
      lag: 0,
      // tax feed: the ledger and the collection roster
      tax_ledger_rows: ROWS,
      tax_ledger_fen: totalFen,
      tax_roster_active: ROWS,
      // enrollment: every payer registered by the payment (续保) and active, paid in full
      enrollment_active: ROWS,
      enrollment_paid_fen: totalFen,
      enrollment_payments: ROWS,
      enrollment_payments_fen: totalFen,
      // subsidy: every enrolment known as paid in full (none subsidised)
      subsidy_paid_in_full: ROWS,
      // refund: the payments and enrolments it checks refunds against
      refund_payments: ROWS,
      refund_payments_fen: totalFen,
      refund_enrolments: ROWS,
      // reporting: every collection it projects
      reporting_registrations: ROWS,
      reporting_activations: ROWS,
      reporting_payments: ROWS,
      reporting_payments_fen: totalFen,
      reporting_assessments: ROWS,
      reporting_feeds: 1,
    });
  }, 1_800_000);

  it('keeps no char(n) column: compared with a text array it cannot use its index', async () => {
    const { rows } = await db.query(
      `SELECT table_schema || '.' || table_name || '.' || column_name AS col FROM information_schema.columns
        WHERE data_type = 'character' AND table_schema = ANY($1)`,
      [['enrollment', 'subsidy', 'tax_feed', 'refund', 'reporting']],
    );
    expect(rows).toEqual([]);
  });
});
