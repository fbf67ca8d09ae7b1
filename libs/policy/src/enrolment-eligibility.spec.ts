import fc from 'fast-check';
import { addDays, addMonths, daysBetween, shanghaiDate } from '@urrbmi/domain';
import { benefitYearContaining, decideEnrolment, employeeSwitchBenefitStart } from './enrolment-eligibility';
import { seedPolicy } from './test-policies';

const onInstant = (iso: string) => shanghaiDate(new Date(iso));

describe('who can enrol when, and from when they are covered', () => {
  const s23 = seedPolicy('620725-2023');
  const s21 = seedPolicy('620725-2021');
  const mq = seedPolicy('411421-2023');
  const zj = seedPolicy('341323-2023');

  it('takes the last minute of 31 December Asia/Shanghai as in the window, and the next as late', () => {
    // 23:59 in Shanghai is 15:59 UTC: the Shanghai date decides, not the server's.
    expect(decideEnrolment(s23, { date: onInstant('2023-12-31T15:59:59.999Z') })).toEqual({
      allowed: true,
      basis: 'WINDOW',
      benefitStart: '2024-01-01',
      benefitEnd: '2024-12-31',
      waitingMonths: 0,
      reason: 'paid in the collection window (S23 四、征缴时间)',
    });
    expect(decideEnrolment(s23, { date: onInstant('2023-12-31T16:00:00.000Z') })).toEqual({
      allowed: false,
      code: 'AFTER_WINDOW',
      reason: 'the 620725-2023 collection window closed on 2023-12-31',
    });
  });

  it('refuses before the window opens where the policy states an opening', () => {
    expect(decideEnrolment(mq, { date: '2023-09-09' })).toMatchObject({
      allowed: false,
      code: 'BEFORE_WINDOW',
      reason: 'the 411421-2023 collection window opens on 2023-09-10',
    });
    expect(decideEnrolment(mq, { date: '2023-09-10' })).toMatchObject({ allowed: true, basis: 'WINDOW' });
    // Shandan 2023 opens "on the notice's date", which is not known: no lower bound.
    expect(decideEnrolment(s23, { date: '2023-01-02' })).toMatchObject({ allowed: true, basis: 'WINDOW' });
  });

  it('Zhuji newborns: 90 days old is the last day, 91 days old is refused', () => {
    expect(decideEnrolment(zj, { date: '2023-03-31', newborn: { birthDate: '2022-12-31' } })).toMatchObject({
      allowed: true,
      basis: 'NEWBORN',
      benefitStart: '2022-12-31', // 落地参保: covered from birth, in the 2022 benefit year
      benefitEnd: '2022-12-31',
    });
    expect(decideEnrolment(zj, { date: '2023-07-30', newborn: { birthDate: '2023-05-01' } })).toMatchObject({
      allowed: true,
      benefitStart: '2023-05-01',
    });
    expect(decideEnrolment(zj, { date: '2023-07-31', newborn: { birthDate: '2023-05-01' } })).toEqual({
      allowed: false,
      code: 'NEWBORN_TOO_OLD',
      reason:
        'newborn is 91 days old; 341323-2023 allows newborn registration within 90 days of birth (ZJ 三(二)1)',
    });
  });

  it('Shandan 2021 newborns: within 3 calendar months, ending on the month end where the day does not exist', () => {
    expect(decideEnrolment(s21, { date: '2022-02-28', newborn: { birthDate: '2021-11-30' } })).toMatchObject({
      allowed: true,
      basis: 'NEWBORN',
      benefitStart: '2021-11-30',
      benefitEnd: '2021-12-31',
    });
    expect(decideEnrolment(s21, { date: '2022-03-01', newborn: { birthDate: '2021-11-30' } })).toMatchObject({
      allowed: false,
      code: 'NEWBORN_TOO_OLD',
    });
    expect(decideEnrolment(s21, { date: '2022-04-15', newborn: { birthDate: '2022-01-15' } })).toMatchObject({
      allowed: true,
      benefitStart: '2022-01-15',
    });
    expect(decideEnrolment(s21, { date: '2022-04-16', newborn: { birthDate: '2022-01-15' } })).toMatchObject({
      allowed: false,
      code: 'NEWBORN_TOO_OLD',
    });
  });

  it('落地参保: a newborn is covered from the birth date in the benefit year that contains it (S21 一(三)3, ZJ 三(二)1)', () => {
    expect(decideEnrolment(s21, { date: '2021-11-10', newborn: { birthDate: '2021-08-15' } })).toEqual({
      allowed: true,
      basis: 'NEWBORN',
      benefitStart: '2021-08-15',
      benefitEnd: '2021-12-31',
      waitingMonths: 0,
      reason:
        'newborn registered at 87 days old; covered from birth on 2021-08-15 to 2021-12-31, the benefit year containing the birth date (S21 一(三)3 新生儿参保); the 2022-01-01..2022-12-31 benefit year is a separate enrolment',
    });
    expect(decideEnrolment(zj, { date: '2022-11-15', newborn: { birthDate: '2022-10-01' } })).toMatchObject({
      allowed: true,
      basis: 'NEWBORN',
      benefitStart: '2022-10-01',
      benefitEnd: '2022-12-31',
    });
    // Born inside the policy's own benefit period: the rest of that period.
    expect(decideEnrolment(zj, { date: '2023-02-15', newborn: { birthDate: '2023-01-10' } })).toMatchObject({
      benefitStart: '2023-01-10',
      benefitEnd: '2023-12-31',
    });
  });

  it('a newborn is never uninsured between birth and the end of its benefit year (property)', () => {
    const policies = [s21, zj];
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 0, max: 90 }),
        (policy, bornDaysBeforeEnd, ageDays) => {
          const birth = addDays(policy.benefitPeriod.to, -bornDaysBeforeEnd);
          const d = decideEnrolment(policy, { date: addDays(birth, ageDays), newborn: { birthDate: birth } });
          if (!d.allowed) return d.code === 'NEWBORN_TOO_OLD';
          const year = benefitYearContaining(policy, birth);
          return (
            d.benefitStart === birth &&
            d.benefitEnd === year.to &&
            year.from <= birth &&
            birth <= year.to &&
            daysBetween(year.from, year.to) >= 364 &&
            daysBetween(year.from, year.to) <= 365
          );
        },
      ),
    );
  });

  it('a policy with a newborn window but no stated benefit start keeps covering from the period, and says so', () => {
    const unstated = {
      ...zj,
      newborn: { ...zj.newborn, benefitsFrom: null, unstated: { benefitsFrom: 'the notice is silent' } },
    };
    expect(
      decideEnrolment(unstated, { date: '2022-11-15', newborn: { birthDate: '2022-10-01' } }),
    ).toMatchObject({
      allowed: true,
      basis: 'NEWBORN',
      benefitStart: '2023-01-01',
      reason: expect.stringContaining(
        "341323-2023 does not state when a newborn's benefits start (the notice is silent)",
      ),
    });
  });

  it('a February 29 birth date: 3 months end on May 29, 90 days on May 29 too', () => {
    const leap = { ...s21, benefitPeriod: { ...s21.benefitPeriod, from: '2024-01-01', to: '2024-12-31' } };
    expect(addMonths('2024-02-29', 3)).toBe('2024-05-29');
    expect(decideEnrolment(leap, { date: '2024-05-29', newborn: { birthDate: '2024-02-29' } })).toMatchObject(
      { allowed: true, benefitStart: '2024-02-29' },
    );
    expect(decideEnrolment(leap, { date: '2024-05-30', newborn: { birthDate: '2024-02-29' } })).toMatchObject(
      { allowed: false, code: 'NEWBORN_TOO_OLD' },
    );
    const leapZj = { ...zj, benefitPeriod: { ...zj.benefitPeriod, from: '2024-01-01', to: '2024-12-31' } };
    expect(
      decideEnrolment(leapZj, { date: '2024-05-29', newborn: { birthDate: '2024-02-29' } }),
    ).toMatchObject({ allowed: true }); // 90 days
    expect(
      decideEnrolment(leapZj, { date: '2024-05-30', newborn: { birthDate: '2024-02-29' } }),
    ).toMatchObject({ allowed: false, code: 'NEWBORN_TOO_OLD' });
  });

  it('refuses a newborn registration where the policy states no newborn window and the collection window is closed', () => {
    expect(decideEnrolment(s23, { date: '2024-02-01', newborn: { birthDate: '2024-01-20' } })).toMatchObject({
      allowed: false,
      code: 'NEWBORN_RULE_NOT_STATED',
    });
    expect(decideEnrolment(s23, { date: '2023-12-01', newborn: { birthDate: '2023-11-20' } })).toMatchObject({
      allowed: true,
      basis: 'WINDOW',
      benefitStart: '2024-01-01',
    });
  });

  it('Zhuji migrant workers have until 28 February; others do not', () => {
    expect(decideEnrolment(zj, { date: '2023-02-28', extendedGroup: 'MIGRANT_WORKER' })).toMatchObject({
      allowed: true,
      basis: 'EXTENDED_WINDOW',
      benefitStart: '2023-01-01',
    });
    expect(decideEnrolment(zj, { date: '2023-03-01', extendedGroup: 'MIGRANT_WORKER' })).toMatchObject({
      allowed: false,
      code: 'AFTER_WINDOW',
    });
    expect(decideEnrolment(zj, { date: '2023-01-05' })).toEqual({
      allowed: false,
      code: 'AFTER_WINDOW',
      reason: 'the 341323-2023 collection window closed on 2022-12-31',
    });
  });

  it('Zhuji late groups: covered from the day after payment, or after 6 months when the gap exceeds 3 months', () => {
    expect(decideEnrolment(zj, { date: '2023-06-10', lateGroup: 'DEMOBILISED_SOLDIER' })).toMatchObject({
      allowed: true,
      basis: 'LATE',
      benefitStart: '2023-06-11',
      waitingMonths: 0,
    });
    const leaver = (gapMonths: number, continuousYears = 2) =>
      decideEnrolment(zj, {
        date: '2023-03-15',
        lateGroup: 'EMPLOYEE_INSURANCE_LEAVER',
        employeeHistory: { continuousYears, gapMonths },
      });
    expect(leaver(3)).toMatchObject({ allowed: true, benefitStart: '2023-03-16', waitingMonths: 0 });
    expect(leaver(4)).toMatchObject({ allowed: true, benefitStart: '2023-09-16', waitingMonths: 6 });
    expect(leaver(1, 1)).toMatchObject({ allowed: false, code: 'NOT_A_LATE_GROUP' });
    expect(
      decideEnrolment(zj, {
        date: '2023-08-01',
        lateGroup: 'EMPLOYEE_INSURANCE_LEAVER',
        employeeHistory: { continuousYears: 5, gapMonths: 9 },
      }),
    ).toMatchObject({
      allowed: false,
      code: 'NO_BENEFIT_LEFT',
    });
    expect(decideEnrolment(s23, { date: '2024-03-01', lateGroup: 'DEMOBILISED_SOLDIER' })).toMatchObject({
      allowed: false,
      code: 'LATE_ENROLMENT_NOT_OFFERED',
    });
  });

  it('resident to employee insurance (Shandan 2021): same month, or a 3-month wait', () => {
    expect(
      employeeSwitchBenefitStart(s21, { paymentDate: '2021-09-20', continuousYears: 2, gapMonths: 3 }),
    ).toMatchObject({ benefitStart: '2021-09-01', waitingMonths: 0 });
    expect(
      employeeSwitchBenefitStart(s21, { paymentDate: '2021-09-20', continuousYears: 2, gapMonths: 4 }),
    ).toMatchObject({ benefitStart: '2021-12-20', waitingMonths: 3 });
    expect(
      employeeSwitchBenefitStart(s23, { paymentDate: '2023-09-20', continuousYears: 2, gapMonths: 4 }),
    ).toBeNull();
  });
});
