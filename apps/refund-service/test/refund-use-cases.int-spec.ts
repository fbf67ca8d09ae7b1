import {
  RefundApplicationBody,
  SubmitRefundApplicationCommand,
} from '../src/applications/submit-refund-application.command';
import { FundRefundPlanCommand } from '../src/funding/fund-refund-plan.command';
import { SubmitRefundPlanCommand } from '../src/plans/submit-refund-plan.command';
import { ProjectPaymentsCommand } from '../src/projections/project-payments';
import { ReviewRefundCommand } from '../src/review/review-refund.command';
import { WithdrawRefundCommand } from '../src/review/withdraw-refund.command';
import { paid, personId, RefundDesk, refundDesk } from './refund-desk';

const body = (idNumber: string, voucherNo: string, amountFen = 32000): RefundApplicationBody =>
  ({
    voucherNo,
    idNumber,
    amountFen,
    reason: 'DUPLICATE_PAYMENT',
    payeeName: '退费人',
    payeeAccount: '6228480123456789012',
  }) as RefundApplicationBody;

describe('refund use cases (handlers against real Postgres, no HTTP)', () => {
  let desk: RefundDesk;
  const record = (...p: ReturnType<typeof paid>[]) =>
    desk.ds.transaction((m) =>
      desk.payments.execute(m, ProjectPaymentsCommand.create({ recorded: p, reversed: [] })),
    );
  const outboxCount = async (topic: string) =>
    Number((await desk.ds.query(`SELECT count(*) AS n FROM refund.outbox WHERE topic = $1`, [topic]))[0].n);

  beforeAll(async () => {
    desk = await refundDesk();
  });
  beforeEach(() => desk.reset());
  afterAll(async () => {
    await desk.ds.destroy();
  });

  it('stores one refund for concurrent submissions with one idempotency key, and refuses a second open refund', async () => {
    const id = personId(2);
    await record(paid(id, 'V-1'));
    const cmd = SubmitRefundApplicationCommand.of(body(id, 'V-1'), 'tax-li', 'key-1');
    const results = await Promise.all(Array.from({ length: 6 }, () => desk.submit.execute(cmd)));
    expect(new Set(results.map((r) => r.refund.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await outboxCount('refund.requested')).toBe(1);
    await expect(
      desk.submit.execute(SubmitRefundApplicationCommand.of(body(id, 'V-1', 100), 'tax-li', 'key-2')),
    ).rejects.toMatchObject({ code: 'OPEN_REFUND_EXISTS', status: 409 });
    expect(Number((await desk.ds.query(`SELECT count(*) AS n FROM refund.refunds`))[0].n)).toBe(1);
  });

  it('validates the command on creation, whatever the entry point', () => {
    expect(() =>
      SubmitRefundApplicationCommand.of({ ...body(personId(3), 'V-1'), amountFen: 0 }, 'tax-li'),
    ).toThrow('amountFen must not be less than 1');
    expect(() =>
      ReviewRefundCommand.of('not-a-uuid', { decision: 'APPROVE', reason: 'x' } as never, 'mib'),
    ).toThrow('refundId must be a UUID');
  });

  it('runs the pre-checks again at review: a payment that arrived after the application lets it pass', async () => {
    const id = personId(4);
    const { refund } = await desk.submit.execute(
      SubmitRefundApplicationCommand.of(body(id, 'V-LATE'), 'tax-li'),
    );
    expect(refund.precheck.failures.map((f) => f.code)).toEqual(['UNKNOWN_VOUCHER']);
    expect(refund.season).toBeNull();
    await record(paid(id, 'V-LATE'));
    const approved = await desk.review.execute(
      ReviewRefundCommand.of(refund.id, { decision: 'APPROVE', reason: '凭证已到' } as never, 'mib-zhao'),
    );
    expect(approved).toMatchObject({
      state: 'APPROVED',
      season: 2021,
      regionCode: '620725',
      townshipCode: '620725100',
      precheck: { passed: true },
    });
    expect(approved.transitions![1]).toMatchObject({
      command: 'APPROVE',
      by: 'mib-zhao',
      reason: '凭证已到',
      details: { precheck: { passed: true } },
    });
  });

  it('refuses a funding that differs from the plan total and leaves plan, refunds and outbox as they were', async () => {
    const id = personId(5);
    await record(paid(id, 'V-1'), paid(id, 'V-2'));
    const ids: string[] = [];
    for (const v of ['V-1', 'V-2']) {
      const { refund } = await desk.submit.execute(SubmitRefundApplicationCommand.of(body(id, v), 'tax-li'));
      await desk.review.execute(
        ReviewRefundCommand.of(refund.id, { decision: 'APPROVE', reason: 'ok' } as never, 'mib'),
      );
      ids.push(refund.id);
    }
    const plan = await desk.plan.execute(SubmitRefundPlanCommand.of({} as never, 'mib'));
    expect(plan).toMatchObject({ refundCount: 2, totalFen: 64000 });
    const before = await outboxCount('refund.plan.funded');
    await expect(
      desk.fund.execute(
        FundRefundPlanCommand.of(plan.planId, { amountFen: 63999, reference: 'CZ-1' } as never, 'fin'),
      ),
    ).rejects.toMatchObject({ code: 'FUNDING_MISMATCH', status: 422 });
    expect(await outboxCount('refund.plan.funded')).toBe(before);
    const states = await desk.ds.query(
      `SELECT DISTINCT state FROM refund.refunds WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(states).toEqual([{ state: 'PLANNED' }]);
    // Nothing is left to plan: both are in the plan already.
    await expect(desk.plan.execute(SubmitRefundPlanCommand.of({} as never, 'mib'))).rejects.toMatchObject({
      code: 'NOTHING_TO_PLAN',
    });
  });

  it('judges double cover on the day the tax bureau accepted the application, and sees a reversal made since', async () => {
    const december = await refundDesk('2021-12-28T10:00:00+08:00');
    try {
      const id = personId(6);
      await record(paid(id, 'V-DC-1'), paid(id, 'V-DC-2'), paid(id, 'V-R-1'));
      const dc = { ...body(id, 'V-DC-1'), reason: 'DOUBLE_COVER' } as RefundApplicationBody;
      // Accepted on 28 December, reviewed on 10 January: admissible (S21: before the benefit period).
      const early = await december.submit.execute(SubmitRefundApplicationCommand.of(dc, 'tax-li'));
      expect(early.refund.precheck.passed).toBe(true);
      expect(
        await desk.review.execute(
          ReviewRefundCommand.of(early.refund.id, { decision: 'APPROVE', reason: 'ok' } as never, 'mib'),
        ),
      ).toMatchObject({ state: 'APPROVED', precheck: { passed: true } });
      // Accepted on 10 January: refused by the policy.
      const late = await desk.submit.execute(
        SubmitRefundApplicationCommand.of({ ...dc, voucherNo: 'V-DC-2' } as RefundApplicationBody, 'tax-li'),
      );
      expect(late.refund.precheck.failures.map((f) => f.code)).toEqual(['NOT_ADMISSIBLE']);
      // Entered while the payment stood; reversed before review: the reviewer sees it.
      const r = await desk.submit.execute(SubmitRefundApplicationCommand.of(body(id, 'V-R-1'), 'tax-li'));
      expect(r.refund.precheck.passed).toBe(true);
      await desk.ds.transaction((m) =>
        desk.payments.execute(
          m,
          ProjectPaymentsCommand.create({
            recorded: [],
            reversed: [
              {
                voucherNo: 'R-R-1',
                originalVoucherNo: 'V-R-1',
                idNumber: id,
                regionCode: '620725',
                season: 2021,
                amountFen: -32000,
                reversedAt: '2022-01-02T10:00:00+08:00',
                feedId: paid(id, 'x').feedId,
              },
            ],
          }),
        ),
      );
      await expect(
        desk.review.execute(
          ReviewRefundCommand.of(r.refund.id, { decision: 'APPROVE', reason: 'ok' } as never, 'mib'),
        ),
      ).rejects.toMatchObject({
        code: 'PRECHECK_FAILED',
        details: { precheck: { failures: [{ code: 'PAYMENT_REVERSED' }] } },
      });
    } finally {
      await december.ds.destroy();
    }
  });

  it('refuses to plan a refund whose payment was reversed since approval; withdrawn, it frees its voucher', async () => {
    const id = personId(7);
    await record(paid(id, 'V-W-1'));
    const { refund } = await desk.submit.execute(
      SubmitRefundApplicationCommand.of(body(id, 'V-W-1'), 'tax-li'),
    );
    await desk.review.execute(
      ReviewRefundCommand.of(refund.id, { decision: 'APPROVE', reason: 'ok' } as never, 'mib'),
    );
    await desk.ds.transaction((m) =>
      desk.payments.execute(
        m,
        ProjectPaymentsCommand.create({
          recorded: [],
          reversed: [
            {
              voucherNo: 'R-W-1',
              originalVoucherNo: 'V-W-1',
              idNumber: id,
              regionCode: '620725',
              season: 2021,
              amountFen: -32000,
              reversedAt: '2022-01-09T10:00:00+08:00',
              feedId: paid(id, 'x').feedId,
            },
          ],
        }),
      ),
    );
    await expect(
      desk.plan.execute(SubmitRefundPlanCommand.of({ refundIds: [refund.id] } as never, 'mib')),
    ).rejects.toMatchObject({
      code: 'PAYMENT_REVERSED_SINCE_APPROVAL',
      status: 409,
      details: { refundIds: [refund.id] },
    });
    expect(Number((await desk.ds.query(`SELECT count(*) AS n FROM refund.refund_plans`))[0].n)).toBe(0);
    await expect(
      desk.withdraw.execute(WithdrawRefundCommand.of(refund.id, { reason: 'x' } as never, 'tax-li')),
    ).rejects.toMatchObject({ code: 'REVIEWER_IS_ENTRANT' });
    const withdrawn = await desk.withdraw.execute(
      WithdrawRefundCommand.of(refund.id, { reason: '该笔缴费已被税务冲正' } as never, 'mib-zhao'),
    );
    expect(withdrawn).toMatchObject({ state: 'REJECTED', next: [] });
    expect(withdrawn.transitions!.map((t) => [t.command, t.to, t.by, t.reason])).toEqual([
      ['SUBMIT', 'REQUESTED', 'tax-li', null],
      ['APPROVE', 'APPROVED', 'mib', 'ok'],
      ['WITHDRAW', 'REJECTED', 'mib-zhao', '该笔缴费已被税务冲正'],
    ]);
    expect(await outboxCount('refund.rejected')).toBe(1);
    // Withdrawing twice is a transition out of order; the voucher takes a new application.
    await expect(
      desk.withdraw.execute(WithdrawRefundCommand.of(refund.id, { reason: 'x' } as never, 'mib-zhao')),
    ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 409 });
    const again = await desk.submit.execute(SubmitRefundApplicationCommand.of(body(id, 'V-W-1'), 'tax-li'));
    expect(again.refund.precheck.failures.map((f) => f.code)).toEqual(['PAYMENT_REVERSED']);
  });
});
