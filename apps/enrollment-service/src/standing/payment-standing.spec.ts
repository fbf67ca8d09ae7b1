import { loadPolicies } from '@urrbmi/policy';
import fc from 'fast-check';
import { AssessmentFact, paymentStanding } from './payment-standing';

const policies = loadPolicies();
const s23 = policies.get('620725-2023')!;
const zj = policies.get('341323-2023')!;
const at = (iso: string) => new Date(iso);
const self = (amountFen: number, iso: string) => ({ amountFen, paidAt: at(iso), channel: 'WECHAT' });

describe('payment standing', () => {
  const full = { amountDueFen: 38000, subsidyMode: null, standardFen: 38000 };

  it('activates a window payer from the period start', () => {
    expect(paymentStanding(s23, {}, full, [self(38000, '2023-10-15T10:00:00+08:00')])).toMatchObject({
      status: 'ACTIVE',
      paidAs: 'PAID',
      flag: null,
      benefitStart: '2024-01-01',
      benefitEnd: '2024-12-31',
    });
  });

  it('flags under- and over-payment, and a payment after the window', () => {
    expect(paymentStanding(s23, {}, full, [self(20000, '2023-10-15T10:00:00+08:00')])).toMatchObject({
      status: 'REGISTERED',
      flag: 'UNDERPAID',
      paidFen: 20000,
    });
    expect(
      paymentStanding(s23, {}, full, [
        self(38000, '2023-10-15T10:00:00+08:00'),
        self(38000, '2023-10-16T10:00:00+08:00'),
      ]),
    ).toMatchObject({
      status: 'ACTIVE',
      flag: 'OVERPAID',
      paidFen: 76000,
    });
    expect(paymentStanding(s23, {}, full, [self(38000, '2024-01-01T00:00:00+08:00')])).toMatchObject({
      status: 'REGISTERED',
      flag: 'PAID_OUTSIDE_WINDOW',
    });
  });

  it('undoes activation when the payment is reversed', () => {
    const ledger = [self(38000, '2023-10-15T10:00:00+08:00'), self(-38000, '2023-10-16T10:00:00+08:00')];
    expect(paymentStanding(s23, {}, full, ledger)).toMatchObject({
      status: 'REGISTERED',
      paidFen: 0,
      benefitStart: null,
    });
  });

  it('takes the difference as complete for a DIFFERENCE subsidy and a proxy payment for FULL', () => {
    expect(
      paymentStanding(s23, {}, { amountDueFen: 7000, subsidyMode: 'DIFFERENCE', standardFen: 38000 }, [
        self(7000, '2023-10-15T10:00:00+08:00'),
      ]),
    ).toMatchObject({
      status: 'ACTIVE',
      flag: null,
    });
    const proxy = [{ amountFen: 38000, paidAt: at('2023-10-15T10:00:00+08:00'), channel: 'PROXY' }];
    expect(
      paymentStanding(s23, {}, { amountDueFen: 0, subsidyMode: 'FULL', standardFen: 38000 }, proxy),
    ).toMatchObject({ status: 'ACTIVE', paidAs: 'PROXY_PAID', flag: null });
  });

  it('starts a Zhuji late payer the day after payment, or after the waiting period', () => {
    const zjDue = { amountDueFen: 35000, subsidyMode: null, standardFen: 35000 };
    expect(
      paymentStanding(zj, { lateGroup: 'DEMOBILISED_SOLDIER' }, zjDue, [
        self(35000, '2023-06-10T09:00:00+08:00'),
      ]),
    ).toMatchObject({ benefitStart: '2023-06-11' });
    expect(
      paymentStanding(
        zj,
        { lateGroup: 'EMPLOYEE_INSURANCE_LEAVER', employeeHistory: { continuousYears: 3, gapMonths: 5 } },
        zjDue,
        [self(35000, '2023-03-15T09:00:00+08:00')],
      ),
    ).toMatchObject({ benefitStart: '2023-09-16', waitingMonths: 6 });
  });

  describe('with assessments, folded by the instants of the facts', () => {
    const standard = { amountDueFen: 38000, subsidyMode: null, standardFen: 38000 };
    const assessed = (iso: string, mode: string | null, subsidyFen: number): AssessmentFact => ({
      assessedAt: at(iso),
      amountDueFen: mode === 'FULL' ? 0 : 38000 - (mode === 'DIFFERENCE' ? subsidyFen : 0),
      subsidyFen,
      mode,
      category: mode ? 'SOME_CATEGORY' : null,
      reason: `${mode} ${subsidyFen}`,
    });
    const none = assessed('2023-10-15T11:00:00+08:00', null, 0);
    const difference = assessed('2023-10-15T12:00:00+08:00', 'DIFFERENCE', 31000);

    it('applies the latest assessment made before the person paid in full, whatever order they are given in', () => {
      const ledger = [self(7000, '2023-10-16T10:00:00+08:00')];
      for (const list of [
        [none, difference],
        [difference, none],
      ])
        expect(paymentStanding(s23, {}, standard, ledger, list)).toMatchObject({
          status: 'ACTIVE',
          paidFen: 7000,
          paidInFullOn: '2023-10-16',
          terms: { amountDueFen: 7000, subsidyFen: 31000, subsidyMode: 'DIFFERENCE' },
        });
    });

    it('ignores an assessment made after the person paid in full (no claw-back, no top-up)', () => {
      const late = assessed('2023-10-20T10:00:00+08:00', 'FULL', 38000);
      const s = paymentStanding(s23, {}, standard, [self(38000, '2023-10-16T10:00:00+08:00')], [late]);
      expect(s).toMatchObject({
        status: 'ACTIVE',
        flag: null,
        terms: { amountDueFen: 38000, subsidyFen: 0 },
      });
      expect(s.ignoredAssessments).toEqual([late]);
    });

    it('applies again an assessment made after a reversal re-opened the enrolment', () => {
      const ledger = [
        self(38000, '2023-10-16T10:00:00+08:00'),
        self(-38000, '2023-10-17T10:00:00+08:00'),
        self(7000, '2023-10-19T10:00:00+08:00'),
      ];
      const after = assessed('2023-10-18T10:00:00+08:00', 'DIFFERENCE', 31000);
      expect(paymentStanding(s23, {}, standard, ledger, [after])).toMatchObject({
        status: 'ACTIVE',
        paidFen: 7000,
        paidInFullOn: '2023-10-19',
        terms: { amountDueFen: 7000 },
      });
    });

    it('completes on the date of the payment when a later assessment lowers the amount due', () => {
      const early = self(7000, '2023-10-14T10:00:00+08:00');
      expect(paymentStanding(s23, {}, standard, [early], [difference])).toMatchObject({
        status: 'ACTIVE',
        paidInFullOn: '2023-10-14',
      });
    });

    it('gives the same standing for any order of the same facts (property)', () => {
      const instant = fc
        .integer({ min: 0, max: 60 })
        .map((d) => new Date(Date.UTC(2023, 8, 15) + d * 86_400_000));
      const entry = fc.record({
        amountFen: fc.constantFrom(7000, 38000, -7000, -38000, 20000),
        paidAt: instant,
        channel: fc.constant('WECHAT'),
      });
      const assessment = fc.record({
        assessedAt: instant,
        mode: fc.constantFrom(null, 'DIFFERENCE', 'REIMBURSE'),
        subsidyFen: fc.constantFrom(0, 31000, 8000),
      });
      // Distinct instants: the ledger's own order (paid_at, voucher_no) settles ties, not arrival.
      fc.assert(
        fc.property(
          fc.uniqueArray(entry, { maxLength: 6, selector: (e) => e.paidAt.getTime() }),
          fc.uniqueArray(assessment, { maxLength: 4, selector: (a) => a.assessedAt.getTime() }),
          fc.array(fc.integer(), { minLength: 10, maxLength: 10 }),
          (ledger, raw, keys) => {
            const list = raw.map((a) => ({
              ...a,
              amountDueFen: a.mode === 'DIFFERENCE' ? 38000 - a.subsidyFen : 38000,
              category: a.mode,
              reason: String(a.mode),
            }));
            const shuffle = <T>(xs: T[]) =>
              xs
                .map((x, i) => ({ x, k: keys[i] }))
                .sort((a, b) => a.k - b.k)
                .map((p) => p.x);
            expect(paymentStanding(s23, {}, standard, shuffle(ledger), shuffle(list))).toEqual(
              paymentStanding(s23, {}, standard, ledger, list),
            );
          },
        ),
      );
    });
  });
});
