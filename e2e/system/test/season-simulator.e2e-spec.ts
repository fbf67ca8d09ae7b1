import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test runs the benchmark's and simulator's own code, not a copy
import { SeasonResult, simulateSeason } from '../../../tools/season/season';
import {
  freshDatabase,
  SERVICES,
  ServiceName,
  ServiceProcess,
  spawnService,
  waitReady,
} from './support/services';

// A small Shandan 2023 season (scale 0.002, from 25 November) driven by the simulator through the five
// services' public routes, twice with two seeds: each run must balance to the fen, and the services'
// own tables must hold exactly the sum of the two runs' data. Ports: the season range, base 21740.
const BASE = 21740;
const PORT = BASE + Number(process.env.E2E_PORT_OFFSET ?? 0);
const ROLES: [string, string][] = [
  ['season-mib-clerk', 'mib'],
  ['season-mib-reviewer', 'mib'],
  ['season-tax-feed', 'tax'],
  ['season-finance', 'finance'],
  ['season-ca-clerk', 'civil-affairs'],
  ['season-ca-checker', 'civil-affairs'],
  ['season-rr-clerk', 'rural-revitalization'],
  ['season-rr-checker', 'rural-revitalization'],
  ['season-ops', 'ops'],
];

describe('a season simulated end to end (npm run season, small scale)', () => {
  const services: ServiceProcess[] = [];
  let db: Client;
  const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-season-'));
  const plainKeys = path.join(dir, 'dev-api-keys.json');

  beforeAll(async () => {
    const keys = ROLES.map(([holder, role]) => ({
      holder,
      role,
      key: `${holder}-${createHash('md5').update(holder).digest('hex')}`,
    }));
    writeFileSync(plainKeys, JSON.stringify({ keys }));
    writeFileSync(
      path.join(dir, 'api-keys.json'),
      JSON.stringify({
        keys: keys.map((k) => ({
          holder: k.holder,
          role: k.role,
          sha256: createHash('sha256').update(k.key).digest('hex'),
        })),
      }),
    );
    const dbUrl = await freshDatabase('seasonsim');
    const names = Object.keys(SERVICES) as ServiceName[];
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: path.join(dir, 'api-keys.json'),
      KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX}seasonsim.`,
      CLOCK_MODE: 'simulation',
      // Days pass in milliseconds here: a county's feeds of a month arrive within a minute.
      UPLOAD_RATE_LIMIT_PER_MINUTE: '10000',
      CLOCK_START: '2023-11-25T08:00:00+08:00',
      FEED_MONITOR_FROM: '2023-11-25',
      FEED_MONITOR_INTERVAL_MS: '200',
      SUBSIDY_MATCH_CHECK_MS: '500',
      REPORTING_ALERT_CHECK_INTERVAL_MS: '2000',
      REPORTING_METRICS_URLS: names.map((n, i) => `${n}=http://127.0.0.1:${PORT + i}/metrics`).join(','),
    };
    services.push(...names.map((name) => spawnService(name, BASE, env)));
    await Promise.all(services.map((svc) => waitReady(svc, 300_000)));
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  }, 900_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await db?.end();
  });

  const run = (seed: number): Promise<SeasonResult> => {
    const out: string[] = [];
    return simulateSeason(
      {
        region: '620725',
        season: 2023,
        scale: 0.002,
        seed,
        from: '2023-11-25',
        host: '127.0.0.1',
        basePort: PORT,
        keys: plainKeys,
        workDir: dir,
        progress: false,
        lateWaitSeconds: 30,
      },
      (line) => out.push(line),
    ).then(
      (r) => r,
      (e: Error) => {
        throw new Error(
          `${e.message}\n${out.join('\n')}\n${services.map((s) => s.output().slice(-3000)).join('\n')}`,
        );
      },
    );
  };

  /** The services' own tables, read directly: nothing the simulator computed. */
  const tables = async () => {
    const one = async (sql: string) => Number((await db.query(sql)).rows[0].v ?? 0);
    return {
      taxNetFen: await one(
        `SELECT sum(CASE WHEN kind = 'PAYMENT' THEN amount_fen ELSE -abs(amount_fen) END) AS v FROM tax_feed.payments`,
      ),
      reversalsFen: await one(
        `SELECT sum(abs(amount_fen)) AS v FROM tax_feed.payments WHERE kind = 'REVERSAL'`,
      ),
      quarantined: await one(`SELECT count(*) AS v FROM tax_feed.exceptions WHERE kind <> 'DUPLICATE'`),
      activeOrRefunded: await one(
        `SELECT count(*) AS v FROM enrollment.enrollments WHERE status IN ('ACTIVE', 'REFUNDED')`,
      ),
      refunded: await one(`SELECT count(*) AS v FROM enrollment.enrollments WHERE status = 'REFUNDED'`),
      refundsPaidFen: await one(`SELECT sum(amount_fen) AS v FROM refund.refunds WHERE state = 'PAID'`),
      transfersPaidFen: await one(`SELECT sum(amount_fen) AS v FROM subsidy.transfers WHERE status = 'PAID'`),
      lateFeeds: await one(
        `SELECT count(*) AS v FROM tax_feed.late_feeds WHERE region_code = '620725' AND cleared_by IS NOT NULL`,
      ),
    };
  };

  it('balances to the fen twice, and the second run adds exactly its own data', async () => {
    const first = await run(1);
    expect(first.lines.filter((l) => !l.ok)).toEqual([]);
    expect(first.balanced).toBe(true);
    const l1 = first.ledger;
    expect(l1.quarantinedRows).toBe(3);
    expect(l1.lateFeeds).toBe(1);
    expect(l1.lateAlarmSeen).toBe(true);
    expect(l1.refunds).toBeGreaterThanOrEqual(5);
    expect(l1.transfersSettledFen).toBeGreaterThan(0);
    expect(first.bulletin).toContain('清泉镇 620725100');
    const after1 = await tables();
    expect(after1).toEqual({
      taxNetFen: l1.residentPaymentsFen + l1.proxyPaymentsFen - l1.reversalsFen,
      reversalsFen: l1.reversalsFen,
      quarantined: 3,
      // Deceased payers were refunded (REFUNDED), everyone else who paid is ACTIVE.
      activeOrRefunded: l1.payers,
      refunded: l1.deceased,
      refundsPaidFen: l1.refundsPaidFen,
      transfersPaidFen: l1.transfersSettledFen,
      lateFeeds: 1,
    });

    const second = await run(2);
    expect(second.lines.filter((l) => !l.ok)).toEqual([]);
    const l2 = second.ledger;
    expect(await tables()).toEqual({
      taxNetFen: after1.taxNetFen + l2.residentPaymentsFen + l2.proxyPaymentsFen - l2.reversalsFen,
      reversalsFen: after1.reversalsFen + l2.reversalsFen,
      quarantined: 6,
      activeOrRefunded: after1.activeOrRefunded + l2.payers,
      refunded: after1.refunded + l2.deceased,
      refundsPaidFen: after1.refundsPaidFen + l2.refundsPaidFen,
      transfersPaidFen: after1.transfersPaidFen + l2.transfersSettledFen,
      lateFeeds: 1, // the same day's feed was late in both runs: raised once, cleared by the first
    });
  }, 1_200_000);
});
