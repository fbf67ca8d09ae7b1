import { residentIdCheckChar } from '@urrbmi/domain';
import { EventInjector } from './support/events';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS, waitFor } from './support/services';
import { RosterSource, uploadRoster } from './support/rosters';
import { EnrolmentEvents } from './support/enrolments';

// Issue 13 through subsidy-service: the newly certified 特困 payer repaid by the S23 match, a reason
// code for every "no", and roster snapshots of one source for one region.

function idOf(region: string, n: number): string {
  const first17 = `${region}19800303${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;

const P = idOf('620725', 1); // paid 380 in October, certified 特困 in November
const S = idOf('620725', 2); // Shandan rural minimum-living class 1
const N = idOf('620725', 3); // on no roster
const M1 = idOf('411421', 4); // enrols in Minquan, certified in Shandan
const M2 = idOf('411421', 5); // Minquan row coded MONITORED, which Minquan's policy does not know
const M3 = idOf('411421', 6); // Minquan minimum-living
const M4 = idOf('411421', 7);

describe('subsidy-service: seed fidelity (issue 13)', () => {
  let under: ServiceUnderTest;
  let inject: EventInjector;
  const mib = TEST_KEYS.mib.key;
  const url = () => under.svc.url;

  const upload = (key: string, source: RosterSource, asOf: string, rows: string[], region?: string) =>
    uploadRoster(url(), key, source, asOf, rows, region);
  const ca = (asOf: string, rows: string[], region?: string) =>
    upload(TEST_KEYS.civilAffairs.key, 'CIVIL_AFFAIRS', asOf, rows, region);
  const approve = (id: string, key: string = TEST_KEYS.civilAffairsChecker.key) =>
    api(url(), 'POST', `/v1/rosters/${id}/approve`, key, {});
  const assessment = async (id: string) =>
    (await api(url(), 'GET', `/v1/assessments/${id}/2023`, mib)).body as Record<string, unknown> & {
      identities: { category: string; certifiedRegionCode: string; validTo: string | null }[];
    };
  const matchRun = (month: string) => api(url(), 'POST', '/v1/match-runs', mib, { month });

  let people: EnrolmentEvents;
  const registered = (id: string, region: string) => people.registered(id, region);
  // As production would: enrollment-service's standing of the enrolment once the payment is applied.
  const paidInFull = (id: string, region: string) => [
    people.paidInFull(id, region, '2023-10-16T10:00:05+08:00'),
  ];

  beforeAll(async () => {
    under = await startServiceUnderTest('subsidy-service', 19330, 'fidelity_subsidy', {
      // After November has ended, so it can be matched; January has not.
      CLOCK_START: '2024-01-05T10:00:00+08:00',
      SUBSIDY_MATCH_SCHEDULE: 'off',
    });
    inject = new EventInjector(under.prefix);
    people = new EnrolmentEvents(inject, '2023-10-10T10:00:00+08:00');
    await inject.send([
      ...[P, S, N].map((id) => registered(id, '620725')),
      ...[M1, M2, M3, M4].map((id) => registered(id, '411421')),
    ]);
    await inject.send([...paidInFull(P, '620725'), ...paidInFull(M1, '411421'), ...paidInFull(M2, '411421')]);
    await waitFor(
      'registrations and payments consumed',
      async () =>
        (
          await under.db.query(
            `SELECT count(*) FILTER (WHERE paid_in_full_on IS NOT NULL)::int AS paid, count(*)::int AS registered
               FROM subsidy.enrolments WHERE id_number = ANY($1::text[])`,
            [[P, S, N, M1, M2, M3, M4]],
          )
        ).rows[0],
      (r) => r.registered === 7 && r.paid === 3,
      120_000,
    );
  }, 240_000);

  afterAll(async () => {
    await under?.stop();
  });

  it('a Minquan snapshot leaves Shandan people untouched; each region has its own snapshots', async () => {
    const shandanOct = await ca(
      '2023-10-01',
      [`${S},乙,MINIMUM_LIVING_RURAL_CLASS_1_2,620725,,`, `${M1},丁,MINIMUM_LIVING,620725,2023-01-01,`],
      '620725',
    );
    expect(shandanOct).toMatchObject({ status: 201, body: { regionCodes: ['620725'] } });
    expect((await approve(shandanOct.body.uploadId)).status).toBe(200);
    expect(await assessment(S)).toMatchObject({ reasonCode: 'SUBSIDISED', subsidyFen: 31000 });

    // Civil affairs sends its Minquan file: only Minquan people, no region header.
    const minquan = await ca('2023-10-10', [`${M3},丙,MINIMUM_LIVING,411421,,`]);
    expect(minquan).toMatchObject({
      status: 201,
      body: { regionCodes: ['411421'], summary: { peopleAdded: 1, peopleRemoved: 0 } },
    });
    expect((await approve(minquan.body.uploadId)).body).toMatchObject({ status: 'APPROVED' });
    const s = await assessment(S);
    expect(s).toMatchObject({ category: 'MINIMUM_LIVING_RURAL_CLASS_1_2', subsidyFen: 31000 });
    expect(s.identities).toEqual([expect.objectContaining({ certifiedRegionCode: '620725', validTo: null })]);
    expect((await assessment(M1)).identities).toEqual([expect.objectContaining({ validTo: null })]);

    // A header names the region: a row certified elsewhere is refused, not applied.
    const wrong = await ca('2023-10-11', [`${M4},戊,MINIMUM_LIVING,620725,,`], '411421');
    expect((wrong.body.rejects as { code: string; message: string }[])[0]).toEqual({
      line: 2,
      idNumber: masked(M4),
      code: 'OTHER_REGION',
      message: 'certified_region_code 620725 is not the region of this snapshot (X-Region-Code 411421)',
    });
    // An empty file must say which region it empties.
    expect(await ca('2023-10-12', [])).toMatchObject({
      status: 422,
      body: { details: { code: 'REGION_REQUIRED' } },
    });
  });

  it('refuses a snapshot older than the newest approved one of the same source and region', async () => {
    const older = await ca('2023-09-30', [`${S},乙,MINIMUM_LIVING_RURAL_CLASS_1_2,620725,,`], '620725');
    expect(older).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message:
          'a CIVIL_AFFAIRS snapshot of region 620725 as of 2023-10-01 is already approved; this one is as of 2023-09-30',
        details: {
          code: 'OLDER_SNAPSHOT',
          info: { newestUploadId: expect.any(String), newestAsOf: '2023-10-01', regionCode: '620725' },
        },
      },
    });
    // Another region's newer snapshot does not make this region's older.
    expect((await ca('2023-10-05', [`${M3},丙,MINIMUM_LIVING,411421,,`], '411421')).status).toBe(409);

    // Two staged snapshots approved out of order: the older one is refused at approval.
    const dec1 = await ca('2023-12-01', [`${M3},丙,MINIMUM_LIVING,411421,,`], '411421');
    const nov20 = await ca(
      '2023-11-20',
      [`${M3},丙,MINIMUM_LIVING,411421,,`, `${M4},戊,MINIMUM_LIVING,411421,,`],
      '411421',
    );
    expect([dec1.status, nov20.status]).toEqual([201, 201]);
    expect((await approve(dec1.body.uploadId)).status).toBe(200);
    expect((await approve(nov20.body.uploadId)).body).toMatchObject({
      statusCode: 409,
      details: { code: 'OLDER_SNAPSHOT', info: { newestAsOf: '2023-12-01' } },
    });

    // Approved at the same moment: serialised, so the newest stands whichever commits first.
    const a = await ca(
      '2023-12-10',
      [`${M3},丙,MINIMUM_LIVING,411421,,`, `${M4},戊,MINIMUM_LIVING,411421,,`],
      '411421',
    );
    const b = await ca('2023-12-15', [`${M3},丙,MINIMUM_LIVING,411421,,`], '411421');
    const both = await Promise.all([approve(a.body.uploadId), approve(b.body.uploadId)]);
    expect(both[1].status).toBe(200);
    expect([200, 409]).toContain(both[0].status);
    const m4 = await under.db.query(
      `SELECT count(*)::int AS open FROM subsidy.identities WHERE id_number = $1 AND closed_by IS NULL`,
      [M4],
    );
    expect(m4.rows[0].open).toBe(0);
  });

  it('warns at staging about a category the region policy does not subsidise, and names every "no" in the assessment', async () => {
    const rural = await upload(TEST_KEYS.rural.key, 'RURAL_REVITALIZATION', '2023-11-01', [
      `${M2},己,MONITORED,411421,2023-01-01,`,
    ]);
    expect(rural.body.warnings).toEqual([
      {
        code: 'CATEGORY_NOT_SUBSIDISED',
        regionCode: '411421',
        category: 'MONITORED',
        policyId: '411421-2023',
        rows: 1,
        message:
          '监测人口 (MONITORED) is not a category of 411421-2023: 1 row(s) will be recorded and yield nothing',
      },
    ]);
    expect((await approve(rural.body.uploadId, TEST_KEYS.ruralChecker.key)).status).toBe(200);

    const nov = await ca(
      '2023-11-05',
      [
        `${S},乙,MINIMUM_LIVING_RURAL_CLASS_1_2,620725,,`,
        `${M1},丁,MINIMUM_LIVING,620725,2023-01-01,`,
        `${P},甲,特困人员,620725,,`,
      ],
      '620725',
    );
    expect(nov.body.summary).toMatchObject({ peopleAdded: 1, peopleRemoved: 0 });
    expect((await approve(nov.body.uploadId)).status).toBe(200);

    const said = async (id: string) => {
      const a = await assessment(id);
      return [a.reasonCode, a.reason, a.subsidyFen];
    };
    expect(await said(N)).toEqual(['NO_IDENTITY', 'no identity on any approved roster for this person', 0]);
    expect(await said(M1)).toEqual([
      'CERTIFIED_ELSEWHERE',
      '低保对象 (MINIMUM_LIVING) was certified in 620725; 411421-2023 subsidises only identities certified where the person enrols (411421) (MQ 二(二)2)',
      0,
    ]);
    expect(await said(M2)).toEqual([
      'CATEGORY_NOT_IN_POLICY',
      '监测人口 (MONITORED) gets no subsidy under 411421-2023: the policy has no rule for this category',
      0,
    ]);
    expect(await said(P)).toEqual([
      'IDENTITY_BEGAN_AFTER_PAYMENT',
      '特困人员 (EXTREME_POVERTY) began on 2023-11-05, after the standard was paid in full on 2023-10-16: the contribution is not reduced; the monthly match decides any transfer',
      0,
    ]);
  });

  it('Shandan 2023: paid 380 in October, certified 特困 in November: one 380 transfer in December; a second run adds nothing', async () => {
    expect((await matchRun('2024-01')).body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message:
        'month 2024-01 has not ended by the service clock (today is 2024-01-05); it can be matched from 2024-02-01',
      details: { code: 'MONTH_NOT_ENDED', info: { month: '2024-01', today: '2024-01-05' } },
    });

    const first = (await matchRun('2023-11')).body as {
      transfersCreated: number;
      transfers: object[];
      skippedPeople: object[];
    };
    expect(first.transfers).toEqual([
      {
        transferId: expect.any(String),
        idNumber: masked(P),
        amountFen: 38000,
        category: 'EXTREME_POVERTY',
        route: 'ONE_CARD',
        transferMonth: '2023-12',
      },
    ]);
    expect(first.skippedPeople).toEqual(
      expect.arrayContaining([
        {
          idNumber: masked(M1),
          code: 'CERTIFIED_ELSEWHERE',
          reason:
            '低保对象 (MINIMUM_LIVING) was certified in 620725; 411421-2023 subsidises only identities certified where the person enrols (411421) (MQ 二(二)2)',
        },
        {
          idNumber: masked(M2),
          code: 'CATEGORY_NOT_IN_POLICY',
          reason:
            '监测人口 (MONITORED) gets no subsidy under 411421-2023: the policy has no rule for this category',
        },
      ]),
    );
    expect((await matchRun('2023-11')).body).toMatchObject({ transfersCreated: 0, transfers: [] });
    const dec = (await api(url(), 'GET', '/v1/transfers?month=2023-12', mib)).body as {
      routes: { route: string; count: number; totalFen: number }[];
    };
    expect(dec.routes).toEqual([expect.objectContaining({ route: 'ONE_CARD', count: 1, totalFen: 38000 })]);
  });
});
