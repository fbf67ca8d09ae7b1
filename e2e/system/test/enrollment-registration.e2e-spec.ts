import { Client } from 'pg';
import { residentIdCheckChar } from '@urrbmi/domain';
import { shandanId } from './support/resident-ids';
import { api, ServiceProcess, TEST_KEYS, ServiceUnderTest, startServiceUnderTest } from './support/services';

// The service's clock starts on 15 October 2023 (Asia/Shanghai): Shandan's and Minquan's 2023 windows
// are open, Zhuji's closed on 31 December 2022, Shandan's 2021 long ago.
const CLOCK_START = '2023-10-15T10:00:00+08:00';

function idOf(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

describe('enrollment-service: registration of each kind, and each refusal', () => {
  let svc: ServiceProcess;
  let db: Client;
  const mib = TEST_KEYS.mib.key;
  const post = (body: object, key: string = mib) => api(svc.url, 'POST', '/v1/enrollments', key, body);
  const shandan = (n: number, extra: object = {}) => ({
    idNumber: shandanId(n, '19800101'),
    name: `居民${n}`,
    season: 2023,
    regionCode: '620725',
    townshipCode: '620725100',
    kind: 'NEW',
    ...extra,
  });

  let under: ServiceUnderTest;
  beforeAll(async () => {
    under = await startServiceUnderTest('enrollment-service', 14400, 'enrolreg', { CLOCK_START });
    ({ svc, db } = under);
  });

  afterAll(async () => {
    await under?.stop();
  });

  it('registers NEW, RENEWAL, STUDENT and PROXY in the window, covered from the period start', async () => {
    for (const [n, extra] of [
      [1, { kind: 'NEW' }],
      [2, { kind: 'RENEWAL' }],
      [3, { kind: 'STUDENT', school: '山丹县第一中学' }],
      [4, { kind: 'PROXY' }],
    ] as const) {
      const r = await post(shandan(n, extra));
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        kind: extra.kind,
        status: 'REGISTERED',
        policyId: '620725-2023',
        amountDueFen: 38000,
        expectedBenefitStart: '2024-01-01',
      });
    }
  });

  it('registers a Zhuji newborn of 90 days and refuses one of 91', async () => {
    const ok = await post({
      idNumber: idOf('341323', '20230717', 11),
      name: '新生儿甲',
      season: 2023,
      regionCode: '341323',
      kind: 'NEWBORN',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'NEWBORN', expectedBenefitStart: '2023-07-17' });
    const old = await post({
      idNumber: idOf('341323', '20230716', 12),
      name: '新生儿乙',
      season: 2023,
      regionCode: '341323',
      kind: 'NEWBORN',
    });
    expect(old).toEqual({
      status: 422,
      body: {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message:
          'newborn is 91 days old; 341323-2023 allows newborn registration within 90 days of birth (ZJ 三(二)1)',
        details: { code: 'NEWBORN_TOO_OLD' },
      },
    });
  });

  it('registers a Zhuji late group from the day after payment, and refuses others after the window', async () => {
    const late = await post({
      idNumber: idOf('341323', '19700505', 21),
      name: '退役军人',
      season: 2023,
      regionCode: '341323',
      kind: 'LATE',
      lateGroup: 'DEMOBILISED_SOLDIER',
    });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ expectedBenefitStart: '2023-10-16' });
    const plain = await post({
      idNumber: idOf('341323', '19700505', 22),
      name: '居民',
      season: 2023,
      regionCode: '341323',
      kind: 'NEW',
    });
    expect(plain.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'the 341323-2023 collection window closed on 2022-12-31',
      details: { code: 'AFTER_WINDOW' },
    });
    const s21 = await post(shandan(30, { season: 2021 }));
    expect(s21.body).toMatchObject({
      statusCode: 422,
      message: 'the 620725-2021 collection window closed on 2021-12-31',
      details: { code: 'AFTER_WINDOW' },
    });
  });

  it('asks a non-local resident for proof and the promise', async () => {
    const missing = await post(shandan(40, { kind: 'NON_LOCAL', idNumber: idOf('411421', '19850303', 40) }));
    expect(missing.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'a non-local resident needs residenceProof and notInsuredAtHome: true',
      details: { code: 'NON_LOCAL_PROOF_REQUIRED' },
    });
    const ok = await post(
      shandan(40, {
        kind: 'NON_LOCAL',
        idNumber: idOf('411421', '19850303', 40),
        residenceProof: '居住证 甘张丹 2023-01234',
        notInsuredAtHome: true,
      }),
    );
    expect(ok.status).toBe(201);
  });

  it('admits a transfer-in only after the person was cancelled in the other region', async () => {
    const person = idOf('411421', '19900909', 50);
    const inMinquan = await post({
      idNumber: person,
      name: '转移人',
      season: 2023,
      regionCode: '411421',
      kind: 'NEW',
    });
    expect(inMinquan.status).toBe(201);
    const transfer = {
      idNumber: person,
      name: '转移人',
      season: 2023,
      regionCode: '620725',
      kind: 'TRANSFER_IN',
      previousRegionCode: '411421',
    };
    const refused = await post(transfer);
    expect(refused.body).toMatchObject({
      statusCode: 409,
      message: 'person is still enrolled in 411421 for season 2023; cancel there first',
      details: { code: 'NOT_CANCELLED_ELSEWHERE', info: { enrollmentId: inMinquan.body.enrollmentId } },
    });
    const cancel = await api(svc.url, 'POST', `/v1/enrollments/${inMinquan.body.enrollmentId}/cancel`, mib, {
      reason: 'TRANSFER_OUT',
    });
    expect(cancel).toMatchObject({
      status: 200,
      body: { status: 'CANCELLED', reason: 'TRANSFER_OUT', effectiveDate: '2023-10-15' },
    });
    expect((await post(transfer)).status).toBe(201);
  });

  it('refuses double cover with employee insurance, and flags people who become double-covered later', async () => {
    // The list is entered by the mib clerk and applied when another mib holder confirms it.
    const listEmployeeInsured = async (list: object) => {
      const entered = await api(svc.url, 'POST', '/v1/employee-insured', mib, list);
      expect(entered).toMatchObject({ status: 202, body: { status: 'PENDING' } });
      const id = (entered.body as { listId: string }).listId;
      return api(svc.url, 'POST', `/v1/employee-insured/${id}/confirm`, TEST_KEYS.mibChecker.key, {});
    };
    const worker = shandanId(60, '19750101');
    const listed = await listEmployeeInsured({
      people: [{ idNumber: worker, name: '职工', insuredFrom: '2019-01-01' }],
    });
    expect(listed).toEqual({ status: 200, body: { listed: 1, enrolmentsFlaggedDoubleCover: 0 } });
    expect((await post(shandan(60, { idNumber: worker }))).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'person is insured as an employee; resident insurance would be double cover',
      details: { code: 'DOUBLE_COVER' },
    });
    const later = shandanId(61, '19750101');
    expect((await post(shandan(61, { idNumber: later }))).status).toBe(201);
    expect((await listEmployeeInsured({ people: [{ idNumber: later }] })).body).toEqual({
      listed: 1,
      enrolmentsFlaggedDoubleCover: 1,
    });
    const view = await api(svc.url, 'GET', `/v1/persons/${later}/seasons/2023`, mib);
    expect(view.body).toMatchObject({ doubleCover: true, status: 'REGISTERED' });
  });

  it('refuses a bad check digit, a second registration, and a proxy enrolment by a township', async () => {
    const good = shandanId(70, '19800101');
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    expect((await post(shandan(70, { idNumber: bad }))).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'request validation failed',
      details: ['idNumber must be a valid resident ID number'],
    });
    const first = await post(shandan(70));
    expect(first.status).toBe(201);
    expect((await post(shandan(70))).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'person is already enrolled for season 2023',
      details: {
        code: 'ALREADY_ENROLLED',
        info: { enrollmentId: first.body.enrollmentId, status: 'REGISTERED' },
      },
    });
    expect((await post(shandan(71, { kind: 'PROXY' }), TEST_KEYS.township.key)).body).toMatchObject({
      statusCode: 403,
      details: { code: 'PROXY_BY_MIB_ONLY' },
    });
  });

  it('lets exactly one of two concurrent registrations of one person win', async () => {
    const body = shandan(80);
    const results = await Promise.all([post(body), post(body), post(body)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM enrollment.enrollments WHERE id_number = $1 AND season = 2023`,
      [body.idNumber],
    );
    expect(rows[0].n).toBe(1);
  });
});
