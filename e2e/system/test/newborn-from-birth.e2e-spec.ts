import { randomUUID } from 'node:crypto';
import { residentIdCheckChar } from '@urrbmi/domain';
import { EventInjector } from './support/events';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS, waitFor } from './support/services';

// 落地参保 (S21 一(三)3: 享受自出生之日起本年度…待遇; ZJ 三(二)1: 自出生之日起享受居民医保待遇):
// a newborn is covered from the birth date, in the benefit year that contains it.

function newbornId(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

describe('enrollment-service: newborns are covered from the day they are born', () => {
  const mib = TEST_KEYS.mib.key;
  let under: ServiceUnderTest | undefined;

  afterEach(async () => {
    await under?.stop();
    under = undefined;
  });

  it('Shandan 2021: born 2021-08-15, registered 2021-11-10: benefits from 2021-08-15, active from birth once paid', async () => {
    under = await startServiceUnderTest('enrollment-service', 19300, 'newborn_s21', {
      CLOCK_START: '2021-11-10T10:00:00+08:00',
    });
    const id = newbornId('620725', '2021-08-15', 1);
    const r = await api(under.svc.url, 'POST', '/v1/enrollments', mib, {
      idNumber: id,
      name: '新生儿',
      season: 2021,
      regionCode: '620725',
      townshipCode: '620725100',
      kind: 'NEWBORN',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      kind: 'NEWBORN',
      policyId: '620725-2021',
      amountDueFen: 32000,
      expectedBenefitStart: '2021-08-15',
      expectedBenefitEnd: '2021-12-31',
      benefitReason:
        'newborn registered at 87 days old; covered from birth on 2021-08-15 to 2021-12-31, the benefit year containing the birth date (S21 一(三)3 新生儿参保); the 2022-01-01..2022-12-31 benefit year is a separate enrolment',
      registeredAt: expect.stringMatching(/^2021-11-10T10:0\d:\d\d\.\d{3}\+08:00$/),
    });

    // Paid through the tax bureau the next day: active from the birth date.
    const inject = new EventInjector(under.prefix);
    await inject.send([
      inject.envelope('payment.recorded', {
        voucherNo: `NB-${randomUUID()}`,
        idNumber: id,
        name: '新生儿',
        regionCode: '620725',
        townshipCode: '620725100',
        season: 2021,
        amountFen: 32000,
        channel: 'BANK_COUNTER',
        paidAt: '2021-11-11T09:00:00+08:00',
        feedId: randomUUID(),
      }),
    ]);
    const view = await waitFor(
      'activation',
      async () => (await api(under!.svc.url, 'GET', `/v1/persons/${id}/seasons/2021`, mib)).body,
      (b) => b.status === 'ACTIVE',
    );
    expect(view.benefitPeriod).toEqual({ from: '2021-08-15', to: '2021-12-31', waitingMonths: 0 });
    // Every time the clerk sees is on the service clock, not the wall clock.
    for (const h of view.history as { at: string }[]) expect(h.at.slice(0, 7)).toBe('2021-11');

    // The person view names the subsidy service's reason, after payment too.
    const reason =
      '特困人员 (EXTREME_POVERTY) began on 2021-12-01, after the standard was paid in full on 2021-11-11: the contribution is not reduced; the monthly match decides any transfer';
    await inject.send([
      inject.envelope('subsidy.assessed', {
        idNumber: id,
        season: 2021,
        regionCode: '620725',
        policyId: '620725-2021',
        subsidyFen: 0,
        amountDueFen: 32000,
        reason,
        reasonCode: 'IDENTITY_BEGAN_AFTER_PAYMENT',
        assessedAt: '2021-12-01T10:00:00+08:00',
      }),
    ]);
    const after = await waitFor(
      'assessment noted',
      async () => (await api(under!.svc.url, 'GET', `/v1/persons/${id}/seasons/2021`, mib)).body,
      (b) => (b.subsidy as { latestAssessment: unknown }).latestAssessment !== null,
    );
    expect((after.subsidy as { latestAssessment: object }).latestAssessment).toEqual({
      at: expect.stringMatching(/^2021-11-/),
      change: 'ASSESSMENT_AFTER_PAYMENT',
      reasonCode: 'IDENTITY_BEGAN_AFTER_PAYMENT',
      reason,
    });
  });

  it('Zhuji 2023: born 2022-10-01, registered 2022-11-15: benefits from 2022-10-01', async () => {
    under = await startServiceUnderTest('enrollment-service', 19310, 'newborn_zj', {
      CLOCK_START: '2022-11-15T10:00:00+08:00',
    });
    const r = await api(under.svc.url, 'POST', '/v1/enrollments', mib, {
      idNumber: newbornId('341323', '2022-10-01', 2),
      name: '新生儿',
      season: 2023,
      regionCode: '341323',
      kind: 'NEWBORN',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      policyId: '341323-2023',
      expectedBenefitStart: '2022-10-01',
      expectedBenefitEnd: '2022-12-31',
    });
  });

  it('Shandan 2023 states no newborn rule: inside the window covered from the period start, and the response says why', async () => {
    under = await startServiceUnderTest('enrollment-service', 19320, 'newborn_s23', {
      CLOCK_START: '2023-11-20T10:00:00+08:00',
    });
    const r = await api(under.svc.url, 'POST', '/v1/enrollments', mib, {
      idNumber: newbornId('620725', '2023-10-01', 3),
      name: '新生儿',
      season: 2023,
      regionCode: '620725',
      kind: 'NEWBORN',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      expectedBenefitStart: '2024-01-01',
      expectedBenefitEnd: '2024-12-31',
      benefitReason: 'paid in the collection window; 620725-2023 has no newborn rule',
    });
  });
});
