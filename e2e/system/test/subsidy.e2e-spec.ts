import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';
import { EventInjector } from './support/events';
import {
  api,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
  freshDatabase,
} from './support/services';
import { RosterSource, uploadRoster } from './support/rosters';
import { EnrolmentEvents } from './support/enrolments';

let dbUrl = '';

function idOf(region: string, n: number): string {
  const first17 = `${region}19720202${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

// Shandan people A, B, C, E and Minquan people D, F, G.
const A = idOf('620725', 1);
const B = idOf('620725', 2);
const C = idOf('620725', 3);
const E = idOf('620725', 5);
const D = idOf('411421', 4);
const F = idOf('411421', 6);
const G = idOf('411421', 7);

describe('subsidy-service: rosters, highest-wins assessment, monthly match', () => {
  let svc: ServiceProcess;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}subsidy.`;
  const inject = new EventInjector(prefix);
  const mib = TEST_KEYS.mib.key;

  const upload = (key: string, source: RosterSource, asOf: string, rows: string[], region?: string) =>
    uploadRoster(svc.url, key, source, asOf, rows, region);
  const decide = (id: string, key: string, what: 'approve' | 'reject') =>
    api(svc.url, 'POST', `/v1/rosters/${id}/${what}`, key, {});
  const assessment = async (id: string) =>
    (await api(svc.url, 'GET', `/v1/assessments/${id}/2023`, mib)).body as Record<string, unknown>;
  const people = new EnrolmentEvents(inject, '2023-10-15T10:00:00+08:00');
  const register = (id: string, region: string) => people.registered(id, region);
  const paid = (id: string, region: string, paidAt: string) => people.paidInFull(id, region, paidAt);
  const matchRun = async (month: string) =>
    (await api(svc.url, 'POST', '/v1/match-runs', mib, { month })).body as Record<string, unknown> & {
      transfers: Record<string, unknown>[];
    };

  // The bank's results reach the transfers in two steps: entered by the mib clerk, confirmed by
  // another mib holder (maker-checker); the confirmation answers with what was applied.
  const settle = async (batch: { results: { transferId: string; status: string; failure?: string }[] }) => {
    const entered = await api(svc.url, 'POST', '/v1/transfers/settlements', mib, batch);
    expect(entered).toMatchObject({ status: 202, body: { status: 'PENDING' } });
    const id = (entered.body as { settlementId: string }).settlementId;
    return api(svc.url, 'POST', `/v1/transfers/settlements/${id}/confirm`, TEST_KEYS.mibChecker.key, {});
  };

  const caOctober = [
    `${A},甲,特困人员,620725,,`,
    `${B},乙,农村一、二类低保,620725,,`,
    `${C},丙,MINIMUM_LIVING_EDGE,620725,,`,
    `${F},己,MINIMUM_LIVING,411421,,`,
  ];

  beforeAll(async () => {
    dbUrl = await freshDatabase('subsidy');
    svc = spawnService('subsidy-service', 15000, {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      // After the months matched below have ended (POST /v1/match-runs refuses a month still running).
      CLOCK_START: '2024-01-05T10:00:00+08:00',
    });
    await waitReady(svc);
    await inject.send(
      [A, B, C, E].map((id) => register(id, '620725')).concat([D, F, G].map((id) => register(id, '411421'))),
    );
    // Every one of the seven assessed: their registrations arrive on different partitions.
    await waitFor(
      'first assessments',
      async () => Promise.all([A, B, C, D, E, F, G].map(async (id) => (await assessment(id)).amountDueFen)),
      (dues) => dues.every((d) => d === 38000),
    );
  });

  afterAll(async () => {
    await svc?.stop();
  });

  it('stages a roster with its bad rows reported and a summary; only a second person of the department can approve it', async () => {
    const bad = A.slice(0, 17) + (A[17] === '1' ? '2' : '1');
    const up = await upload(TEST_KEYS.civilAffairs.key, 'CIVIL_AFFAIRS', '2023-10-01', [
      ...caOctober,
      `${bad},错,特困人员,620725,,`,
      `${D},丁,RETURNED_TO_POVERTY,620725,,`,
      `${A},甲,特困人员,620725,,`,
    ]);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      status: 'STAGED',
      rowsRead: 7,
      rowsStaged: 4,
      rowsRejected: 3,
      summary: {
        byCategory: {
          EXTREME_POVERTY: { added: 1, removed: 0 },
          MINIMUM_LIVING: { added: 1, removed: 0 },
          MINIMUM_LIVING_EDGE: { added: 1, removed: 0 },
          MINIMUM_LIVING_RURAL_CLASS_1_2: { added: 1, removed: 0 },
        },
        peopleAdded: 4,
        peopleRemoved: 0,
      },
    });
    expect((up.body.rejects as { line: number; code: string }[]).map((r) => [r.line, r.code])).toEqual([
      [6, 'BAD_ID_NUMBER'],
      [7, 'CATEGORY_NOT_FROM_SOURCE'],
      [8, 'DUPLICATE_IN_FILE'],
    ]);
    // Unapproved: nobody's assessment changed.
    expect(await assessment(A)).toMatchObject({ subsidyFen: 0, amountDueFen: 38000 });

    expect((await decide(up.body.uploadId, TEST_KEYS.civilAffairs.key, 'approve')).body).toMatchObject({
      statusCode: 403,
      details: { code: 'SAME_PERSON' },
    });
    expect((await decide(up.body.uploadId, TEST_KEYS.rural.key, 'approve')).body).toMatchObject({
      statusCode: 403,
      details: { code: 'OTHER_DEPARTMENT' },
    });
    const ok = await decide(up.body.uploadId, TEST_KEYS.civilAffairsChecker.key, 'approve');
    expect(ok.body).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'e2e-civil-affairs-checker',
      identitiesChangedFor: 4,
    });
    expect(await assessment(A)).toMatchObject({
      category: 'EXTREME_POVERTY',
      subsidyFen: 38000,
      mode: 'FULL',
      amountDueFen: 0,
    });
    expect(await assessment(B)).toMatchObject({
      category: 'MINIMUM_LIVING_RURAL_CLASS_1_2',
      subsidyFen: 31000,
      mode: 'DIFFERENCE',
      amountDueFen: 7000,
    });

    // The same snapshot again changes nothing; a rejected upload changes nothing either.
    const again = await upload(TEST_KEYS.civilAffairs.key, 'CIVIL_AFFAIRS', '2023-10-01', [
      ...caOctober,
      `${bad},错,特困人员,620725,,`,
      `${D},丁,RETURNED_TO_POVERTY,620725,,`,
      `${A},甲,特困人员,620725,,`,
    ]);
    expect(again).toMatchObject({
      status: 200,
      body: { uploadId: up.body.uploadId, sameContentAsEarlierUpload: true, status: 'APPROVED' },
    });
    // An empty snapshot names its region, and removes only that region's people of the source.
    const empty = await upload(TEST_KEYS.civilAffairs.key, 'CIVIL_AFFAIRS', '2023-10-02', [], '620725');
    expect(empty.body.summary).toMatchObject({ peopleRemoved: 3 });
    expect(
      (await decide(empty.body.uploadId, TEST_KEYS.civilAffairsChecker.key, 'reject')).body,
    ).toMatchObject({ status: 'REJECTED' });
    expect(await assessment(A)).toMatchObject({ subsidyFen: 38000 });
  });

  it('gives a person on three rosters only the highest, and nothing where the identity was certified in another region', async () => {
    const up = await upload(TEST_KEYS.rural.key, 'RURAL_REVITALIZATION', '2023-10-01', [
      `${C},丙,RETURNED_TO_POVERTY,620725,,`,
      `${C},丙,已脱贫人口,620725,,`,
      `${D},丁,RETURNED_TO_POVERTY,620725,,`,
      `${G},庚,EDGE_OF_POVERTY,411421,,`,
    ]);
    expect(up.status).toBe(201);
    await decide(up.body.uploadId, TEST_KEYS.ruralChecker.key, 'approve');
    const c = await assessment(C);
    expect(c).toMatchObject({ category: 'RETURNED_TO_POVERTY', subsidyFen: 31000, amountDueFen: 7000 });
    expect((c.identities as unknown[]).length).toBe(3);
    // Minquan requires certification where the person enrols: D was certified in Shandan.
    expect(await assessment(D)).toMatchObject({ category: null, subsidyFen: 0, amountDueFen: 38000 });
    expect(await assessment(G)).toMatchObject({
      category: 'EDGE_OF_POVERTY',
      subsidyFen: 8000,
      mode: 'REIMBURSE',
      amountDueFen: 38000,
    });
  });

  it('Minquan: minimum-living pays 380 and gets 80 via civil affairs; the monitored person 80 via the township', async () => {
    await inject.send([
      paid(F, '411421', '2023-10-16T10:00:00+08:00'),
      paid(G, '411421', '2023-10-16T11:00:00+08:00'),
      paid(E, '620725', '2023-10-16T12:00:00+08:00'),
    ]);
    // Runs until the payments have been consumed; each run adds only what is new.
    const created: Record<string, unknown>[] = [];
    await waitFor(
      'October match',
      async () => created.push(...(await matchRun('2023-10')).transfers),
      () => created.length >= 2,
    );
    expect(created.map((t) => [t.idNumber, t.amountFen, t.route, t.transferMonth]).sort()).toEqual([
      [`${F.slice(0, 6)}********${F.slice(14)}`, 8000, 'CIVIL_AFFAIRS_ACCOUNT', '2023-11'],
      [`${G.slice(0, 6)}********${G.slice(14)}`, 8000, 'TOWNSHIP_GOVERNMENT', '2023-11'],
    ]);
  });

  it('Shandan: paid 380 in October, on the November class-1 roster: one 310 transfer in December, never twice, no claw-back', async () => {
    const nov = await upload(TEST_KEYS.civilAffairs.key, 'CIVIL_AFFAIRS', '2023-11-05', [
      ...caOctober,
      `${E},戊,MINIMUM_LIVING_RURAL_CLASS_1_2,620725,,`,
    ]);
    expect(nov.body.summary).toMatchObject({ peopleAdded: 1, peopleRemoved: 0 });
    await decide(nov.body.uploadId, TEST_KEYS.civilAffairsChecker.key, 'approve');
    // E's October payment may still be on its way through Kafka: run until it has been counted.
    const created: Record<string, unknown>[] = [];
    await waitFor(
      'November match',
      async () => created.push(...(await matchRun('2023-11')).transfers),
      () => created.length >= 1,
    );
    expect(created).toEqual([
      {
        transferId: expect.any(String),
        idNumber: `${E.slice(0, 6)}********${E.slice(14)}`,
        amountFen: 31000,
        category: 'MINIMUM_LIVING_RURAL_CLASS_1_2',
        route: 'ONE_CARD',
        transferMonth: '2023-12',
      },
    ]);
    expect(await matchRun('2023-11')).toMatchObject({ transfersCreated: 0 });

    // January: E is off the roster. Nothing is clawed back and nothing new is made.
    const jan = await upload(TEST_KEYS.civilAffairs.key, 'CIVIL_AFFAIRS', '2024-01-01', caOctober);
    expect(jan.body.summary).toMatchObject({ peopleRemoved: 1 });
    await decide(jan.body.uploadId, TEST_KEYS.civilAffairsChecker.key, 'approve');
    expect(await matchRun('2023-12')).toMatchObject({ transfersCreated: 0 });
    const dec = (await api(svc.url, 'GET', '/v1/transfers?month=2023-12', mib)).body as {
      routes: { route: string; count: number; totalFen: number }[];
    };
    expect(dec.routes).toEqual([expect.objectContaining({ route: 'ONE_CARD', count: 1, totalFen: 31000 })]);
  });

  it('lists the fully subsidised still to be paid for, per funding source', async () => {
    const r = await api(svc.url, 'GET', '/v1/proxy-payments?region=620725&season=2023', mib);
    expect(r.body).toMatchObject({
      policyId: '620725-2023',
      fundingSources: [
        {
          funding: 'NOT_STATED',
          count: 1,
          totalFen: 38000,
          people: [
            {
              idNumber: `${A.slice(0, 6)}********${A.slice(14)}`,
              category: 'EXTREME_POVERTY',
              amountFen: 38000,
            },
          ],
        },
      ],
    });
  });

  it('exports that list as CSV, and reads rosters sent as XLSX', async () => {
    const csv = await (
      await fetch(`${svc.url}/v1/proxy-payments?region=620725&season=2023&format=csv`, {
        headers: { authorization: `Bearer ${mib}` },
      })
    ).text();
    expect(csv).toBe(
      `funding,id_number,category,amount_fen\r\nNOT_STATED,${A.slice(0, 6)}********${A.slice(14)},EXTREME_POVERTY,38000\r\nNOT_STATED,TOTAL 1,,38000\r\n`,
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['id_number', 'name', 'category', 'certified_region_code', 'valid_from', 'valid_to']);
    ws.addRow([idOf('620725', 90), '退役军人', '重点优抚对象', '620725', '2023-10-01', '']);
    ws.addRow([idOf('620725', 91), '军属', 'KEY_ENTITLED', '620725', '', '']);
    const r = await fetch(`${svc.url}/v1/rosters`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mib}`,
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'x-roster-source': 'VETERANS',
        'x-as-of': '2023-10-01',
      },
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect(await r.json()).toMatchObject({
      status: 'STAGED',
      rowsRead: 2,
      rowsStaged: 2,
      rowsRejected: 0,
      summary: { byCategory: { KEY_ENTITLED: { added: 2, removed: 0 } } },
    });
  });

  it("records the bank's results: a failed transfer is made again by the next run, a paid one never", async () => {
    const file = await (
      await fetch(`${svc.url}/v1/transfers?month=2023-11&format=csv`, {
        headers: { authorization: `Bearer ${mib}` },
      })
    ).text();
    const lines = file.trim().split('\r\n');
    expect(lines[0]).toBe('transfer_id,id_number,region_code,category,amount_fen,route,status');
    expect(lines.at(-1)).toBe('TOTAL,2,,,16000,,');
    expect(file).not.toMatch(/411421\d{12}/);
    const [f, g] = lines.slice(1, 3).map((l) => l.split(',')[0]);
    const settled = await settle({
      results: [
        { transferId: f, status: 'PAID' },
        { transferId: g, status: 'FAILED', failure: '账户已销户' },
        { transferId: randomUUID(), status: 'PAID' },
      ],
    });
    expect(settled.body).toMatchObject({ settled: 2, paid: 1, failed: 1, ignored: [expect.any(String)] });
    // Settling again changes nothing.
    expect(
      (
        await settle({
          results: [{ transferId: f, status: 'FAILED' }],
        })
      ).body,
    ).toMatchObject({ settled: 0 });
    const retry = await matchRun('2023-10');
    expect(retry.transfers.map((t) => [t.idNumber, t.amountFen, t.route])).toEqual([
      [`${G.slice(0, 6)}********${G.slice(14)}`, 8000, 'TOWNSHIP_GOVERNMENT'],
    ]);
  });

  it('runs the previous month by itself on the 1st (Asia/Shanghai)', async () => {
    const twin = spawnService('subsidy-service', 15010, {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      CLOCK_START: '2024-02-01T00:00:05+08:00',
      SUBSIDY_MATCH_CHECK_MS: '200',
    });
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await waitReady(twin);
      const runs = await waitFor(
        'scheduled run',
        async () =>
          (await db.query(`SELECT month, trigger FROM subsidy.match_runs WHERE month = '2024-01'`)).rows,
        (r) => r.length === 1,
      );
      expect(runs).toEqual([{ month: '2024-01', trigger: 'schedule' }]);
    } finally {
      await twin.stop();
      await db.end();
    }
  });
});
