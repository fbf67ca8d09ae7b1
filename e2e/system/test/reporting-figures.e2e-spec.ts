import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { EventInjector } from './support/events';
import { waitForNoLag } from './support/lag';
import { PersonEvents, postQuotas, publish } from './support/reporting';
import { shandanId } from './support/resident-ids';
import { api, REPO_ROOT, ServiceUnderTest, startServiceUnderTest, TEST_KEYS } from './support/services';

/**
 * The reporting service driven by crafted events (as the other four services publish them), in an
 * order that is not the order things happened in, with every figure computed by hand below.
 *
 * Shandan 2023, a test quota table: 清泉镇 620725100 quota 4, 位奇镇 620725101 quota 4, 霍城镇 620725102 quota 5.
 *   P1 清泉镇/村1  WECHAT 380 paid Mon 2023-10-09 00:30 (Shanghai; 10-08 in UTC), activated; later certified
 *                  低保 and sent a 310 one-card transfer (requested 11-05, settled PAID 11-10)
 *   P2 清泉镇/村1  ALIPAY 380 on 10-10, activated, cancelled 10-20 (employee insurance), refund of 380 paid 10-25
 *   P3 清泉镇/村1  PROXY 380 on 10-10, activated as PROXY_PAID
 *   P4 清泉镇/村2  WECHAT 380 on 10-17, activated, the payment reversed on 10-18
 *   P5 清泉镇/村2  registered only; assessed 低保 (DIFFERENCE, due 70) — an older "NONE" assessment arrives after it
 *   P6 位奇镇      BANK_APP 380 on 10-11, activated
 *   P7 位奇镇      TAX_APP 380 on 10-19, activated
 */
describe('reporting-service: figures from a scripted season, and rebuild', () => {
  let sut: ServiceUnderTest;
  let inject: EventInjector;
  const mib = TEST_KEYS.mib.key;
  const township = TEST_KEYS.township.key; // township:620725100 (清泉镇)
  const base = () => sut.svc.url;
  const Q = 'season=2023&region=620725';
  const CATEGORY = 'MINIMUM_LIVING_RURAL_CLASS_1_2';

  beforeAll(async () => {
    const port = 20600 + 4 + Number(process.env.E2E_PORT_OFFSET ?? 0);
    sut = await startServiceUnderTest('reporting-service', 20600, 'rptfig', {
      REPORTING_METRICS_URLS: `reporting-service=http://127.0.0.1:${port}/metrics`,
    });
    inject = new EventInjector(sut.prefix);
  });

  afterAll(async () => {
    await sut?.stop();
  });

  async function send(envelopes: ReturnType<EventInjector['envelope']>[]) {
    await publish(inject, envelopes);
  }

  /** Every event sent so far applied: reporting keeps no inbox, so its group's committed offsets say so. */
  async function applied(): Promise<void> {
    await waitForNoLag(sut.prefix, ['reporting-service']);
  }

  const get = async (route: string, key: string = mib) => {
    const r = await api(base(), 'GET', route, key);
    expect(r.status).toBe(200);
    return r.body as unknown;
  };

  it('projects the season into progress, rankings, daily collection, subsidies and lists, as computed by hand', async () => {
    const quota = await postQuotas(
      base(),
      mib,
      'season,unit_code,unit_name,parent_code,quota,population\n' +
        '2023,620725,山丹县,,13,\n2023,620725100,清泉镇,620725,4,\n2023,620725101,位奇镇,620725,4,\n2023,620725102,霍城镇,620725,5,\n',
    );
    expect(quota.status).toBe(201);
    expect(quota.body).toMatchObject({
      season: 2023,
      regionCode: '620725',
      units: 4,
      rowsTotal: 13,
      mismatches: [],
    });

    const v1 = { regionCode: '620725', townshipCode: '620725100', villageCode: '620725100001' };
    const v2 = { regionCode: '620725', townshipCode: '620725100', villageCode: '620725100002' };
    const t2 = { regionCode: '620725', townshipCode: '620725101' };
    const [p1, p2, p3, p4, p5] = [1, 2, 3, 4, 5].map(
      (n) => new PersonEvents(inject, shandanId(n), n <= 3 ? v1 : v2),
    );
    const [p6, p7] = [6, 7].map((n) => new PersonEvents(inject, shandanId(n), t2));
    const transfer = p1.transfer('2023-11-05T09:00', 31000, CATEGORY, 'ONE_CARD', '2023-11');
    const lowIncome = {
      category: CATEGORY,
      subsidyFen: 31000,
      mode: 'DIFFERENCE',
      amountDueFen: 7000,
      route: 'REDUCED_CONTRIBUTION',
    };

    // Effects before causes, across topics: reversal before payment, activation before registration,
    // settlement before request, refund before cancellation, a newer assessment before an older one.
    await send([
      transfer.settled('2023-11-10T10:00'),
      p4.reversed('R-4', 'V-4', '2023-10-18T11:00'),
      p2.refunded('2023-10-25T15:00'),
      p1.activated('2023-10-09T00:31'),
      p5.assessed('2023-10-30T09:00', lowIncome),
      p1.assessed('2023-10-30T09:00', lowIncome),
      p2.cancelled('2023-10-20T10:00', 'EMPLOYEE_INSURANCE'),
    ]);
    await send([
      ...[p1, p2, p3, p4, p5, p6, p7].map((p) => p.registered('2023-10-08T09:00')),
      p1.paid('V-1', '2023-10-09T00:30', 'WECHAT'),
      p2.paid('V-2', '2023-10-10T09:00', 'ALIPAY'),
      p2.activated('2023-10-10T09:01'),
      p3.paid('V-3', '2023-10-10T10:00', 'PROXY'),
      p3.activated('2023-10-10T10:01', 'PROXY_PAID'),
      p4.paid('V-4', '2023-10-17T09:00', 'WECHAT'),
      p4.activated('2023-10-17T09:01'),
      p6.paid('V-6', '2023-10-11T09:00', 'BANK_APP'),
      p6.activated('2023-10-11T09:01'),
      p7.paid('V-7', '2023-10-19T09:00', 'TAX_APP'),
      p7.activated('2023-10-19T09:01'),
      transfer.requested,
      p5.assessed('2023-10-01T09:00', {
        category: undefined as never,
        subsidyFen: 0,
        mode: 'NONE',
        amountDueFen: 38000,
      }),
      // The same voucher again under a new event id (a re-sent feed): counted once.
      p1.paid('V-1', '2023-10-09T00:30', 'WECHAT'),
    ]);
    await applied();

    const row = (
      level: string,
      unitCode: string,
      unitName: string | null,
      parentCode: string | null,
      quota: number | null,
      f: Partial<Record<string, number | null>>,
    ) => ({
      season: 2023,
      regionCode: '620725',
      level,
      unitCode,
      unitName,
      parentCode,
      quota,
      registered: 0,
      paid: 0,
      proxyPaid: 0,
      active: 0,
      cancelled: 0,
      refunded: 0,
      refundedFen: 0,
      collectedFen: 0,
      completionRate: quota ? 0 : null,
      villageWorkSubsidyFen: null,
      ...f,
    });
    const progress = [
      row('COUNTY', '620725', '山丹县', null, 13, {
        registered: 7,
        paid: 4,
        proxyPaid: 1,
        active: 4,
        cancelled: 1,
        refunded: 1,
        refundedFen: 38000,
        collectedFen: 190000,
        completionRate: 0.3077, // 4 / 13
      }),
      row('TOWNSHIP', '620725100', '清泉镇', '620725', 4, {
        registered: 5,
        paid: 2,
        proxyPaid: 1,
        active: 2,
        cancelled: 1,
        refunded: 1,
        refundedFen: 38000,
        collectedFen: 114000,
        completionRate: 0.5,
      }),
      row('TOWNSHIP', '620725101', '位奇镇', '620725', 4, {
        registered: 2,
        paid: 2,
        active: 2,
        collectedFen: 76000,
        completionRate: 0.5,
      }),
      row('TOWNSHIP', '620725102', '霍城镇', '620725', 5, {}),
      row('VILLAGE', '620725100001', null, '620725100', null, {
        registered: 3,
        paid: 2,
        proxyPaid: 1,
        active: 2,
        cancelled: 1,
        refunded: 1,
        refundedFen: 38000,
        collectedFen: 114000,
      }),
      row('VILLAGE', '620725100002', null, '620725100', null, { registered: 2 }),
    ];
    expect(await get(`/v1/progress?${Q}`)).toEqual(progress);
    // A township key sees its own township and its villages only.
    expect(await get(`/v1/progress?${Q}`, township)).toEqual(
      progress.filter((r) => r.unitCode.startsWith('620725100')),
    );

    const noAlert = { behind: false, weeksBehind: 0, alerted: false };
    // Week 2023-10-09..15 (ends Mon 10-16 00:00 Shanghai): 清泉镇 P1 P2 P3 = 3/4, 位奇镇 P6 = 1/4; week before: all 0.
    expect(await get(`/v1/rankings/weekly?${Q}&week=2023-10-12`)).toEqual({
      season: 2023,
      regionCode: '620725',
      level: 'TOWNSHIP',
      week: { from: '2023-10-09', to: '2023-10-15' },
      rule: null,
      rows: [
        {
          rank: 1,
          unitCode: '620725100',
          unitName: '清泉镇',
          quota: 4,
          active: 3,
          completionRate: 0.75,
          previousRank: 1,
          movement: 0,
          ...noAlert,
        },
        {
          rank: 2,
          unitCode: '620725101',
          unitName: '位奇镇',
          quota: 4,
          active: 1,
          completionRate: 0.25,
          previousRank: 1,
          movement: -1,
          ...noAlert,
        },
        {
          rank: 3,
          unitCode: '620725102',
          unitName: '霍城镇',
          quota: 5,
          active: 0,
          completionRate: 0,
          previousRank: 1,
          movement: -2,
          ...noAlert,
        },
      ],
    });
    // Week 10-16..22: P2 cancelled, P4 reversed, P7 paid: 2/4 each, tied at rank 1; 位奇镇 moved up one.
    const week2 = await get(`/v1/rankings/weekly?${Q}&week=2023-10-16`);
    expect(week2).toEqual({
      season: 2023,
      regionCode: '620725',
      level: 'TOWNSHIP',
      week: { from: '2023-10-16', to: '2023-10-22' },
      rule: null,
      rows: [
        {
          rank: 1,
          unitCode: '620725100',
          unitName: '清泉镇',
          quota: 4,
          active: 2,
          completionRate: 0.5,
          previousRank: 1,
          movement: 0,
          ...noAlert,
        },
        {
          rank: 1,
          unitCode: '620725101',
          unitName: '位奇镇',
          quota: 4,
          active: 2,
          completionRate: 0.5,
          previousRank: 2,
          movement: 1,
          ...noAlert,
        },
        {
          rank: 3,
          unitCode: '620725102',
          unitName: '霍城镇',
          quota: 5,
          active: 0,
          completionRate: 0,
          previousRank: 3,
          movement: 0,
          ...noAlert,
        },
      ],
    });

    // The XLSX bulletin of that week, opened with exceljs: the same rows, in the same order.
    const xr = await fetch(`${base()}/v1/rankings/weekly/export?${Q}&week=2023-10-16`, {
      headers: { authorization: `Bearer ${mib}` },
    });
    expect(xr.status).toBe(200);
    expect(xr.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xr.arrayBuffer()) as never);
    const sheet = book.worksheets[0];
    const lines: unknown[][] = [];
    sheet.eachRow((r, n) => {
      if (n > 2) lines.push((r.values as unknown[]).slice(1).map((v) => (v === undefined ? null : v)));
    });
    expect(lines).toEqual(
      (week2 as { rows: Record<string, unknown>[] }).rows.map((r) => [
        r.rank,
        r.unitCode,
        r.unitName,
        r.quota,
        r.active,
        r.completionRate,
        r.previousRank,
        r.movement,
        r.weeksBehind,
        r.alerted,
      ]),
    );

    // Daily collection by Shanghai date and channel; the reversal counts on its own day, in the payment's channel.
    const day = (
      date: string,
      channel: string,
      payments: number,
      paidFen: number,
      reversals = 0,
      reversedFen = 0,
    ) => ({
      date,
      channel,
      payments,
      paidFen,
      reversals,
      reversedFen,
      netFen: paidFen + reversedFen,
    });
    const daily = [
      day('2023-10-09', 'WECHAT', 1, 38000),
      day('2023-10-10', 'ALIPAY', 1, 38000),
      day('2023-10-10', 'PROXY', 1, 38000),
      day('2023-10-11', 'BANK_APP', 1, 38000),
      day('2023-10-17', 'WECHAT', 1, 38000),
      day('2023-10-18', 'WECHAT', 0, 0, 1, -38000),
      day('2023-10-19', 'TAX_APP', 1, 38000),
    ];
    expect(await get(`/v1/collections/daily?${Q}`)).toEqual(daily);
    expect(await get(`/v1/collections/daily?${Q}`, township)).toEqual(
      daily.filter((d) => !['BANK_APP', 'TAX_APP'].includes(d.channel)),
    );
    expect(await get(`/v1/collections/daily?${Q}&from=2023-10-17&to=2023-10-18`)).toEqual(daily.slice(4, 6));

    expect(await get(`/v1/subsidies?${Q}`)).toEqual({
      assessed: [
        {
          category: CATEGORY,
          mode: 'DIFFERENCE',
          route: 'REDUCED_CONTRIBUTION',
          people: 2,
          subsidyFen: 62000,
        },
      ],
      transfers: [
        {
          category: CATEGORY,
          route: 'ONE_CARD',
          requested: 1,
          requestedFen: 31000,
          settled: 1,
          settledFen: 31000,
          failed: 0,
        },
      ],
    });

    // 精准催缴: P4 (reversed) and P5 (never paid) in 村2; P2 is cancelled, not chased.
    const unpaid = [
      {
        idNumber: shandanId(4),
        name: `测试${shandanId(4).slice(-4)}`,
        townshipCode: '620725100',
        villageCode: '620725100002',
        amountDueFen: 38000,
        paidFen: 0,
        subsidyCategory: null,
      },
      {
        idNumber: shandanId(5),
        name: `测试${shandanId(5).slice(-4)}`,
        townshipCode: '620725100',
        villageCode: '620725100002',
        amountDueFen: 7000,
        paidFen: 0,
        subsidyCategory: CATEGORY,
      },
    ];
    expect(await get(`/v1/unpaid?${Q}&village=620725100002`, township)).toEqual(unpaid);
    expect(await get(`/v1/unpaid?${Q}&village=620725100001`)).toEqual([]);
    const other = await api(base(), 'GET', `/v1/unpaid?${Q}&township=620725101`, township);
    expect(other.status).toBe(403);
    const ux = await fetch(`${base()}/v1/unpaid/export?${Q}&village=620725100002`, {
      headers: { authorization: `Bearer ${mib}` },
    });
    const ubook = new ExcelJS.Workbook();
    await ubook.xlsx.load(Buffer.from(await ux.arrayBuffer()) as never);
    const ids: string[] = [];
    ubook.worksheets[0].eachRow((r, n) => n > 2 && ids.push(String(r.getCell(1).value)));
    expect(ids).toEqual([shandanId(4), shandanId(5)].map((id) => `${id.slice(0, 6)}********${id.slice(14)}`));

    // Hardship groups: P1 enrolled, P5 not; the ledger takes P5's reason.
    const hardship = (reason: string | null) => ({
      target: 1,
      categories: [{ category: CATEGORY, people: 2, enrolled: 1, enrolmentRate: 0.5 }],
      notEnrolled: [
        expect.objectContaining({
          idNumber: shandanId(5),
          townshipCode: '620725100',
          villageCode: '620725100002',
          category: CATEGORY,
          reason,
        }),
      ],
    });
    expect(await get(`/v1/hardship?${Q}`)).toEqual(hardship(null));
    const rec = await api(base(), 'POST', '/v1/hardship/reasons', township, {
      idNumber: shandanId(5),
      season: 2023,
      reason: '外出务工，已联系家属',
    });
    expect(rec.status).toBe(201);
    expect(await get(`/v1/hardship?${Q}`)).toEqual(hardship('外出务工，已联系家属'));
  });

  it('gives identical projections after a rebuild from Kafka', async () => {
    const routes = [
      `/v1/progress?${Q}`,
      `/v1/rankings/weekly?${Q}&week=2023-10-12`,
      `/v1/rankings/weekly?${Q}&week=2023-10-16`,
      `/v1/rankings/weekly?${Q}`,
      `/v1/collections/daily?${Q}`,
      `/v1/subsidies?${Q}`,
      `/v1/unpaid?${Q}`,
      `/v1/hardship?${Q}`,
    ];
    const snapshot = async () => Promise.all(routes.map((r) => get(r)));
    const facts = async () =>
      (
        await sut.db.query(
          `SELECT (SELECT count(*) FROM reporting.fact_registration) AS registrations,
                  (SELECT count(*) FROM reporting.fact_payment) AS payments,
                  (SELECT count(*) FROM reporting.fact_activation) AS activations`,
        )
      ).rows[0];
    const before = await snapshot();
    const factsBefore = await facts();
    expect(factsBefore).toEqual({ registrations: '7', payments: '6', activations: '6' });

    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', 'apps/reporting-service/src/cli/rebuild.ts'],
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
            DATABASE_URL: sut.dbUrl,
            KAFKA_TOPIC_PREFIX: sut.prefix,
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect({ code: out.code, stderr: out.code === 0 ? '' : out.stderr }).toEqual({ code: 0, stderr: '' });
    const line = out.stdout.split('\n').find((l) => l.startsWith('rebuild finished: '));
    const result = JSON.parse(line!.slice('rebuild finished: '.length));
    expect(result.facts).toMatchObject({
      fact_registration: 7,
      fact_payment: 6,
      fact_activation: 6,
      fact_reversal: 1,
      fact_refund: 1,
    });
    expect(result.groupId).toMatch(/reporting-service\.rebuild-\d+$/);
    // The replaying group is gone from the inbox and from Kafka's groups.
    expect(
      Number(
        (
          await sut.db.query(`SELECT count(*) AS n FROM reporting.inbox WHERE consumer_group = $1`, [
            result.groupId,
          ])
        ).rows[0].n,
      ),
    ).toBe(0);
    expect(await facts()).toEqual(factsBefore);
    expect(await snapshot()).toEqual(before);
  });
});
