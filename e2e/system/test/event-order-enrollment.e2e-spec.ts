import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { deliverInRounds, Envelope, permutations, personId } from './support/rounds';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS } from './support/services';
import { publishedEvents, waitForOutboxSent } from './support/topics';

/**
 * enrollment-service fed one person's facts in every order: assessments (subsidy.assessed), payments
 * (payment.recorded), reversals (payment.reversed) and refunds (refund.paid) travel on four topics,
 * and an old assessment replayed from a dead-letter topic comes after a newer one. Registration and
 * cancellation are enrollment's own commands, so nothing can overtake them in its own database; the
 * person is registered first. Every permutation of each scenario is one person; the first is the
 * production order. The enrolment row, and the last `enrollment.standing` it published, must equal
 * the production order's.
 */
const REGION = '620725';
const FEED = '3f6d1d0e-2b7e-4a51-9d0e-0c1f5c9b7a11';

function facts(inject: EventInjector, id: string, n: number) {
  const assessed = (
    assessedAt: string,
    category: string | undefined,
    mode: string,
    subsidyFen: number,
    amountDueFen: number,
  ) =>
    inject.envelope('subsidy.assessed', {
      idNumber: id,
      season: 2023,
      regionCode: REGION,
      policyId: `${REGION}-2023`,
      category,
      subsidyFen,
      mode,
      amountDueFen,
      reason: category ? `${category}: ${mode} ${subsidyFen} fen` : 'no identity',
      assessedAt,
    });
  const payment = (voucherNo: string, amountFen: number, paidAt: string) =>
    inject.envelope('payment.recorded', {
      voucherNo,
      idNumber: id,
      name: '缴费人',
      regionCode: REGION,
      townshipCode: '620725101',
      season: 2023,
      amountFen,
      channel: 'WECHAT',
      paidAt,
      feedId: FEED,
    });
  return {
    assessedNone: assessed('2023-10-15T11:00:00+08:00', undefined, 'NONE', 0, 38000),
    assessedDifference: assessed(
      '2023-10-15T12:00:00+08:00',
      'MINIMUM_LIVING_RURAL_CLASS_1_2',
      'DIFFERENCE',
      31000,
      7000,
    ),
    // made after the person had paid in full: no claw-back, no top-up
    assessedAfterPayment: assessed('2023-10-20T10:00:00+08:00', 'EXTREME_POVERTY', 'FULL', 38000, 0),
    paid: payment(`V-${n}-1`, 38000, '2023-10-16T09:30:00+08:00'),
    reversed: inject.envelope('payment.reversed', {
      voucherNo: `R-${n}-1`,
      originalVoucherNo: `V-${n}-1`,
      idNumber: id,
      regionCode: REGION,
      season: 2023,
      amountFen: -38000,
      reversedAt: '2023-10-17T11:00:00+08:00',
      feedId: FEED,
    }),
    paidDifference: payment(`V-${n}-2`, 7000, '2023-10-18T09:00:00+08:00'),
    refundedOverpayment: inject.envelope('refund.paid', {
      refundId: randomUUID(),
      idNumber: id,
      season: 2023,
      regionCode: REGION,
      amountFen: 31000,
      reason: 'OVERPAYMENT',
      paidAt: '2023-10-25T10:00:00+08:00',
    }),
  };
}

type FactName = keyof ReturnType<typeof facts>;

const DIFFERENCE_TERMS = {
  amount_due_fen: 7000,
  subsidy_fen: 31000,
  subsidy_mode: 'DIFFERENCE',
  subsidy_category: 'MINIMUM_LIVING_RURAL_CLASS_1_2',
};
const SCENARIOS: { name: string; order: FactName[]; enrolment: Record<string, unknown> }[] = [
  {
    // assessed twice, paid the full standard, reversed, then paid the difference
    name: 'reversed and paid again',
    order: ['assessedNone', 'assessedDifference', 'paid', 'reversed', 'paidDifference'],
    enrolment: {
      status: 'ACTIVE',
      paid_fen: 7000,
      payment_flag: null,
      paid_in_full_on: '2023-10-18',
      ...DIFFERENCE_TERMS,
    },
  },
  {
    // over-paid, assessed again after paying, the over-payment refunded
    name: 'over-payment refunded',
    order: ['assessedDifference', 'paid', 'assessedAfterPayment', 'refundedOverpayment'],
    enrolment: {
      status: 'ACTIVE',
      paid_fen: 7000,
      payment_flag: null,
      paid_in_full_on: '2023-10-16',
      ...DIFFERENCE_TERMS,
    },
  },
];

describe('event order: an enrolment stands the same whatever order its facts arrive in', () => {
  let under: ServiceUnderTest;
  beforeAll(async () => {
    under = await startServiceUnderTest('enrollment-service', 20000, 'orderenrol', {
      CLOCK_START: '2023-10-15T10:00:00+08:00',
    });
  });
  afterAll(async () => {
    await under?.stop();
  });

  it('gives every permutation of every scenario the enrolment of its production order', async () => {
    const inject = new EventInjector(under.prefix);
    const runs: { scenario: string; first: boolean; id: string }[] = [];
    const schedules: Envelope[][] = [];
    let n = 0;
    for (const s of SCENARIOS) {
      for (const [i, order] of permutations(s.order).entries()) {
        const id = personId(REGION, n);
        const f = facts(inject, id, n++);
        runs.push({ scenario: s.name, first: i === 0, id });
        schedules.push(order.map((name) => f[name]));
      }
    }
    expect(runs.length).toBe(120 + 24);
    for (const r of runs) {
      const reg = await api(under.svc.url, 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
        idNumber: r.id,
        name: '缴费人',
        season: 2023,
        regionCode: REGION,
        townshipCode: '620725101',
        kind: 'NEW',
      });
      expect(reg.status).toBe(201);
    }

    await deliverInRounds(under.prefix, 'enrollment-service', schedules);

    const rows = new Map(
      (
        await under.db.query(
          `SELECT id_number, status, amount_due_fen, subsidy_fen, subsidy_mode, subsidy_category, subsidy_reason, paid_fen,
                  paid_as, payment_flag, to_char(benefit_start, 'YYYY-MM-DD') AS benefit_start,
                  to_char(benefit_end, 'YYYY-MM-DD') AS benefit_end, waiting_months,
                  to_char(paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on
             FROM enrollment.enrollments`,
        )
      ).rows.map(({ id_number, ...rest }) => [id_number as string, rest]),
    );
    // The last standing each enrolment published: what every consumer converges to.
    await waitForOutboxSent(under.db, 'enrollment');
    const latest = new Map<string, Record<string, unknown>>();
    for (const { payload } of await publishedEvents(`${under.prefix}enrollment.standing`)) {
      const before = latest.get(payload.idNumber as string);
      if (!before || (before.standingVersion as number) < (payload.standingVersion as number))
        latest.set(payload.idNumber as string, payload);
    }
    const published = new Map(
      [...latest.values()].map((p) => {
        const {
          idNumber,
          enrollmentId: _e,
          standingVersion: _v,
          changedAt: _c,
          registeredAt: _r,
          cause: _w,
          ...rest
        } = p;
        return [idNumber as string, rest];
      }),
    );
    for (const s of SCENARIOS) {
      const mine = runs.filter((r) => r.scenario === s.name);
      const production = mine.find((r) => r.first)!.id;
      expect(rows.get(production)).toMatchObject({
        ...s.enrolment,
        paid_as: 'PAID',
        benefit_start: '2024-01-01',
        benefit_end: '2024-12-31',
      });
      expect(published.get(production)).toMatchObject({
        status: 'ACTIVE',
        paidFen: 7000,
        amountDueFen: 7000,
        subsidyEnjoyedFen: 31000,
        paidInFullOn: s.enrolment.paid_in_full_on,
      });
      const differing = mine
        .filter(
          (r) =>
            JSON.stringify(rows.get(r.id)) !== JSON.stringify(rows.get(production)) ||
            JSON.stringify(published.get(r.id)) !== JSON.stringify(published.get(production)),
        )
        .map((r) => ({ order: schedules[runs.indexOf(r)].map((e) => e.type), row: rows.get(r.id) }));
      expect({ scenario: s.name, differing: differing.slice(0, 3), count: differing.length }).toEqual({
        scenario: s.name,
        differing: [],
        count: 0,
      });
    }
  });
});
