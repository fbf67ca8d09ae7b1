import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XLSX_TYPE } from '@urrbmi/files';
import { EventInjector } from './support/events';
import { PersonEvents, postQuotas, publish } from './support/reporting';
import { residentIdCheckChar } from '@urrbmi/domain';
import {
  api,
  REPO_ROOT,
  ServiceUnderTest,
  spawnService,
  startServiceUnderTest,
  TEST_KEYS,
  waitFor,
} from './support/services';

/** 任务分解表: the seeds' tables are loaded at boot; a declared total that disagrees is reported. */
describe('reporting-service: quotas', () => {
  let sut: ServiceUnderTest;
  const mib = TEST_KEYS.mib.key;
  const list = async (region: string) =>
    (await api(sut.svc.url, 'GET', `/v1/quotas?season=2023&region=${region}`, mib)).body as unknown as {
      units: { unitCode: string; level: string; quota: number; parentCode: string | null }[];
      latestImport: Record<string, unknown>;
    };

  beforeAll(async () => {
    sut = await startServiceUnderTest('reporting-service', 20620, 'rptquota', {
      REPORTING_ALERT_CHECK_INTERVAL_MS: '86400000',
    });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  it("loads the seeds at boot: Zhuji's declared 41,850 is reported against its rows' 41,851; Shandan's 11 units sum to 154,100", async () => {
    const zhuji = await list('341323');
    expect(zhuji.latestImport).toMatchObject({
      source: 'seed 341323-2023.csv',
      units: 14,
      rowsTotal: 41851,
      mismatches: [
        { unitCode: '341323100', unitName: '朱集镇', declared: 41850, rowsSum: 41851, difference: 1 },
      ],
    });
    const villages = zhuji.units.filter((u) => u.level === 'VILLAGE');
    expect(villages).toHaveLength(13);
    expect(villages.reduce((s, u) => s + u.quota, 0)).toBe(41851);

    const shandan = await list('620725');
    const townships = shandan.units.filter((u) => u.level === 'TOWNSHIP');
    expect(townships).toHaveLength(11);
    expect(townships.reduce((s, u) => s + u.quota, 0)).toBe(154100);
    expect(shandan.latestImport).toMatchObject({ units: 12, rowsTotal: 154100, mismatches: [] });

    // Progress shows the quotas with nobody enrolled yet.
    const progress = (
      await api(sut.svc.url, 'GET', '/v1/progress?season=2023&region=620725&level=COUNTY', mib)
    ).body as unknown as Record<string, unknown>[];
    expect(progress).toEqual([
      expect.objectContaining({ unitCode: '620725', quota: 154100, active: 0, completionRate: 0 }),
    ]);
  });

  it('imports an XLSX table with the declared total as a header, and reports the difference', async () => {
    const rows = readFileSync(path.join(REPO_ROOT, 'libs/policy/seed-quotas/341323-2023.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('任务分解表');
    for (const r of rows)
      ws.addRow(r.map((c, i) => ((i === 0 || i >= 4) && /^\d+$/.test(c) ? Number(c) : c)));
    const r = await postQuotas(
      sut.svc.url,
      mib,
      Buffer.from(await book.xlsx.writeBuffer()),
      XLSX_TYPE,
      41850,
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      season: 2023,
      regionCode: '341323',
      imported: true,
      units: 13,
      rowsTotal: 41851,
      totalsAgree: false,
      mismatches: [
        { unitCode: 'X-Declared-Total', unitName: '合计', declared: 41850, rowsSum: 41851, difference: 1 },
      ],
    });
    expect((await list('341323')).units).toHaveLength(13);
  });

  it('imports a CSV whose declared total agrees, and refuses a bad table whole', async () => {
    const csv = readFileSync(path.join(REPO_ROOT, 'libs/policy/seed-quotas/620725-2023.csv'));
    const ok = await postQuotas(sut.svc.url, mib, csv, 'text/csv', 154100);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ units: 11, rowsTotal: 154100, mismatches: [], totalsAgree: true });

    const bad = await postQuotas(
      sut.svc.url,
      mib,
      'season,unit_code,unit_name,parent_code,quota,population\n2023,620725100,清泉镇,620725,many,\n2023,6207251,x,620725,1,\n',
    );
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      statusCode: 422,
      message: 'the quota table has errors; nothing was stored',
      details: {
        code: 'INVALID_QUOTA_TABLE',
        info: {
          problems: [
            { line: 2, problem: 'quota must be a whole number of people' },
            { line: 3, problem: 'unit_code "6207251" must be a 6, 9 or 12-digit division code' },
          ],
        },
      },
    });
    expect((await list('620725')).units).toHaveLength(11);

    const township = await postQuotas(sut.svc.url, TEST_KEYS.township.key, csv);
    expect(township.status).toBe(403);
  });

  it('pays villages 1 CNY of work subsidy per enrolled payer where the policy says so (Zhuji)', async () => {
    const inject = new EventInjector(sut.prefix);
    const zhujiId = (n: number) => {
      const first17 = `341323198001010${String(n).padStart(2, '0')}`;
      return first17 + residentIdCheckChar(first17);
    };
    const area = { regionCode: '341323', townshipCode: '341323100', villageCode: '341323100001' };
    const people = [1, 2, 3].map((n) => new PersonEvents(inject, zhujiId(n), area));
    await publish(inject, [
      ...people.flatMap((p) => [p.registered('2022-11-01T09:00', 35000)]),
      ...people
        .slice(0, 2)
        .flatMap((p, i) => [
          p.paid(`ZJ-${i}`, '2022-11-02T09:00', 'VILLAGE_AGENT', 35000),
          p.activated('2022-11-02T09:01', 'PAID', 35000),
        ]),
    ]);
    const village = await waitFor(
      'two payers in 姜山村',
      async () =>
        (
          (await api(sut.svc.url, 'GET', '/v1/progress?season=2023&region=341323&level=VILLAGE', mib))
            .body as unknown as {
            unitCode: string;
            active: number;
            registered: number;
          }[]
        ).find((r) => r.unitCode === '341323100001'),
      (r) => r?.active === 2 && r.registered === 3,
    );
    expect(village).toMatchObject({
      unitName: '姜山村',
      quota: 1981,
      registered: 3,
      paid: 2,
      active: 2,
      collectedFen: 70000,
      completionRate: 0.001, // 2 / 1981
      villageWorkSubsidyFen: 200, // 2 payers x 100 fen
    });
  });

  it('stops at boot naming a bad reporting setting', async () => {
    const bad = spawnService('reporting-service', 20650, {
      DATABASE_URL: sut.dbUrl,
      REPORTING_BEHIND_BOTTOM_N: 'few',
    });
    const code = await new Promise<number | null>((resolve) => bad.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(bad.output()).toContain(
      '[reporting-service] invalid configuration: REPORTING_BEHIND_BOTTOM_N: REPORTING_BEHIND_BOTTOM_N must be an integer',
    );
  });
});
