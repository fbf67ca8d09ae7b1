import { loadPolicies } from '@urrbmi/policy';
import { paymentStanding } from './payment-standing';

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
});
