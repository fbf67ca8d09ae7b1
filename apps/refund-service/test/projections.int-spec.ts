import fc from 'fast-check';
import {
  EnrollmentActivatedV1,
  EnrollmentCancelledV1,
  EnrollmentRegisteredV1,
  PaymentRecordedV1,
  PaymentReversedV1,
} from '@urrbmi/contracts';
import { ProjectEnrolmentsCommand } from '../src/projections/project-enrolments';
import { ProjectPaymentsCommand } from '../src/projections/project-payments';
import { paid, personId, RefundDesk, refundDesk } from './refund-desk';

type SourceEvent =
  | { topic: 'payment.recorded'; p: PaymentRecordedV1 }
  | { topic: 'payment.reversed'; p: PaymentReversedV1 }
  | { topic: 'enrollment.registered'; p: EnrollmentRegisteredV1 }
  | { topic: 'enrollment.activated'; p: EnrollmentActivatedV1 }
  | { topic: 'enrollment.cancelled'; p: EnrollmentCancelledV1 };

const ID = personId(1);
const ENROLMENT = '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a10';
const place = { idNumber: ID, season: 2021, regionCode: '620725' };

/** One person's season as the tax feed and enrollment-service tell it, a reversal and a reactivation included. */
const EVENTS: SourceEvent[] = [
  { topic: 'payment.recorded', p: paid(ID, 'V-1') },
  { topic: 'payment.recorded', p: paid(ID, 'V-2') },
  {
    topic: 'payment.reversed',
    p: {
      ...place,
      voucherNo: 'R-2',
      originalVoucherNo: 'V-2',
      amountFen: -32000,
      reversedAt: '2021-10-18T10:00:00+08:00',
      feedId: paid(ID, 'x').feedId,
    },
  },
  {
    topic: 'enrollment.registered',
    p: {
      ...place,
      enrollmentId: ENROLMENT,
      name: '缴费人',
      townshipCode: '620725100',
      kind: 'NEW',
      policyId: '620725-2021',
      amountDueFen: 32000,
      registeredAt: '2021-10-15T10:00:00+08:00',
    },
  },
  {
    topic: 'enrollment.activated',
    p: {
      ...place,
      enrollmentId: ENROLMENT,
      townshipCode: '620725100',
      paidAs: 'PAID',
      paidFen: 32000,
      benefitStart: '2022-01-01',
      benefitEnd: '2022-12-31',
      waitingMonths: 0,
      activatedAt: '2021-10-16T09:30:01+08:00',
    },
  },
  {
    topic: 'enrollment.activated',
    p: {
      ...place,
      enrollmentId: ENROLMENT,
      townshipCode: '620725100',
      paidAs: 'PAID',
      paidFen: 32000,
      benefitStart: '2022-02-01',
      benefitEnd: '2022-12-31',
      waitingMonths: 0,
      activatedAt: '2021-11-20T09:30:01+08:00',
    },
  },
  {
    topic: 'enrollment.cancelled',
    p: {
      ...place,
      enrollmentId: ENROLMENT,
      reason: 'DEATH',
      effectiveDate: '2021-12-01',
      paidFen: 32000,
      cancelledAt: '2021-12-01T10:00:00+08:00',
    },
  },
];

/** Applies events the way the batch consumer would: a batch per topic run, each in one transaction. */
async function deliver(desk: RefundDesk, batches: SourceEvent[][]): Promise<void> {
  for (const batch of batches) {
    const of = <T extends SourceEvent['topic']>(t: T) =>
      batch.filter((e) => e.topic === t).map((e) => e.p) as Extract<SourceEvent, { topic: T }>['p'][];
    await desk.ds.transaction(async (m) => {
      await desk.payments.execute(
        m,
        ProjectPaymentsCommand.create({ recorded: of('payment.recorded'), reversed: of('payment.reversed') }),
      );
      await desk.enrolments.execute(
        m,
        ProjectEnrolmentsCommand.create({
          registered: of('enrollment.registered'),
          activated: of('enrollment.activated'),
          cancelled: of('enrollment.cancelled'),
        }),
      );
    });
  }
}

async function snapshot(desk: RefundDesk) {
  const payments = await desk.ds.query(`SELECT * FROM refund.payments ORDER BY voucher_no`);
  const enrolments = await desk.ds.query(
    `SELECT *, to_char(benefit_start, 'YYYY-MM-DD') AS benefit_start, to_char(benefit_end, 'YYYY-MM-DD') AS benefit_end
       FROM refund.enrolments ORDER BY enrollment_id`,
  );
  return { payments, enrolments };
}

describe('refund projections (real Postgres)', () => {
  let desk: RefundDesk;
  beforeAll(async () => {
    desk = await refundDesk();
  });
  afterAll(async () => {
    await desk.ds.destroy();
  });

  it('end in the same rows whatever order and batching the events arrive in, and redelivery changes nothing', async () => {
    await desk.reset();
    await deliver(desk, [EVENTS]);
    const expected = await snapshot(desk);
    expect(expected.payments).toMatchObject([
      { voucher_no: 'V-1', amount_fen: 32000, reversed_at: null },
      { voucher_no: 'V-2', amount_fen: 32000, reversal_voucher_no: 'R-2' },
    ]);
    expect(expected.enrolments).toMatchObject([
      {
        standard_fen: 32000,
        benefit_start: '2022-02-01',
        cancel_reason: 'DEATH',
        township_code: '620725100',
      },
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(EVENTS, { minLength: EVENTS.length, maxLength: EVENTS.length }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: EVENTS.length, maxLength: EVENTS.length }),
        fc.boolean(),
        async (order, sizes, redeliver) => {
          await desk.reset();
          const batches: SourceEvent[][] = [];
          for (let i = 0, k = 0; i < order.length; k++) {
            batches.push(order.slice(i, i + sizes[k]));
            i += sizes[k];
          }
          await deliver(desk, redeliver ? [...batches, order.slice(0, 3)] : batches);
          expect(await snapshot(desk)).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
