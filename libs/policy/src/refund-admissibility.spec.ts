import fc from 'fast-check';
import { overpaymentFen, REFUND_REASONS, refundAdmissibility, refundPrechecks } from './refund-admissibility';
import { seedPolicy } from './test-policies';

describe('refund admissibility', () => {
  const s21 = seedPolicy('620725-2021');

  it('refuses a double-cover refund once the benefit period started (Shandan 2021)', () => {
    expect(refundAdmissibility(s21, 'DOUBLE_COVER_EMPLOYEE', '2021-12-31')).toMatchObject({
      decision: 'ADMISSIBLE',
    });
    expect(refundAdmissibility(s21, 'DOUBLE_COVER_EMPLOYEE', '2022-01-01')).toEqual({
      decision: 'INADMISSIBLE',
      reason: 'double cover: not refunded once the benefit period started on 2022-01-01 (S21 三(三))',
    });
  });

  it('sends what the policy does not state to review, and refunds over-payments', () => {
    expect(
      refundAdmissibility(seedPolicy('620725-2023'), 'DOUBLE_COVER_EMPLOYEE', '2024-02-01').decision,
    ).toBe('REVIEW');
    expect(refundAdmissibility(s21, 'DEATH', '2022-03-01').decision).toBe('REVIEW');
    expect(refundAdmissibility(s21, 'DUPLICATE_PAYMENT', '2022-03-01').decision).toBe('ADMISSIBLE');
  });
});

describe('refund pre-checks', () => {
  const s21 = seedPolicy('620725-2021');
  const ID = '620725199001011234';
  const paid = { idNumber: ID, amountFen: 32000, reversed: false };
  const base = {
    policy: s21,
    reason: 'DUPLICATE_PAYMENT' as const,
    date: '2021-11-02',
    idNumber: ID,
    requestedFen: 32000,
    payment: paid,
    refundedFen: 0,
  };

  it('passes a refund of what the voucher paid, for a reason the policy admits', () => {
    expect(refundPrechecks(base)).toEqual({ passed: true, failures: [], notes: [] });
  });

  it('names each failure with its own message', () => {
    expect(refundPrechecks({ ...base, payment: null, policy: undefined }).failures).toEqual([
      {
        code: 'UNKNOWN_VOUCHER',
        message: 'no payment with this voucher has been recorded by the tax bureau',
      },
    ]);
    expect(refundPrechecks({ ...base, payment: { ...paid, reversed: true } }).failures).toEqual([
      { code: 'PAYMENT_REVERSED', message: 'the tax bureau reversed this payment' },
    ]);
    expect(refundPrechecks({ ...base, requestedFen: 32001 }).failures).toEqual([
      {
        code: 'AMOUNT_ABOVE_PAID',
        message: '32001 fen asked, 32000 fen refundable (paid 32000, refunded 0)',
      },
    ]);
    expect(refundPrechecks({ ...base, refundedFen: 32000 }).failures.map((f) => f.code)).toEqual([
      'ALREADY_REFUNDED',
    ]);
    expect(refundPrechecks({ ...base, idNumber: '11010519491231002X' }).failures.map((f) => f.code)).toEqual([
      'ID_NUMBER_MISMATCH',
    ]);
    expect(refundPrechecks({ ...base, policy: undefined }).failures.map((f) => f.code)).toEqual([
      'NO_POLICY',
    ]);
  });

  it('refuses a double-cover refund once the benefit period started, and notes reasons left to review', () => {
    const dc = { ...base, reason: 'DOUBLE_COVER_EMPLOYEE' as const };
    expect(refundPrechecks({ ...dc, date: '2021-12-31' }).passed).toBe(true);
    expect(refundPrechecks({ ...dc, date: '2022-01-01' }).failures).toEqual([
      {
        code: 'NOT_ADMISSIBLE',
        message: 'double cover: not refunded once the benefit period started on 2022-01-01 (S21 三(三))',
      },
    ]);
    expect(refundPrechecks({ ...base, reason: 'DEATH' })).toMatchObject({
      passed: true,
      notes: ['DEATH: the seeds state no rule; the medical insurance bureau decides'],
    });
  });

  it('property: passes exactly when the voucher is the applicant’s, unreversed, covers the amount and the reason is admissible', () => {
    fc.assert(
      fc.property(
        fc.record({
          known: fc.boolean(),
          reversed: fc.boolean(),
          sameId: fc.boolean(),
          amountFen: fc.integer({ min: 1, max: 100000 }),
          refundedFen: fc.integer({ min: 0, max: 100000 }),
          requestedFen: fc.integer({ min: 1, max: 200000 }),
          reason: fc.constantFrom(...REFUND_REASONS),
          date: fc.constantFrom('2021-09-01', '2021-12-31', '2022-01-01', '2022-06-30'),
        }),
        (c) => {
          const r = refundPrechecks({
            policy: s21,
            reason: c.reason,
            date: c.date,
            idNumber: ID,
            requestedFen: c.requestedFen,
            refundedFen: c.refundedFen,
            payment: c.known
              ? {
                  idNumber: c.sameId ? ID : '11010519491231002X',
                  amountFen: c.amountFen,
                  reversed: c.reversed,
                }
              : null,
          });
          const admissible = refundAdmissibility(s21, c.reason, c.date).decision !== 'INADMISSIBLE';
          const expected =
            c.known && c.sameId && !c.reversed && c.requestedFen <= c.amountFen - c.refundedFen && admissible;
          expect(r.passed).toBe(expected);
          expect(r.passed).toBe(r.failures.length === 0);
          // Never more refunded than paid without a failure saying so.
          if (r.passed) expect(c.requestedFen + c.refundedFen).toBeLessThanOrEqual(c.amountFen);
        },
      ),
    );
  });
});

describe('over-payment', () => {
  it('is what was paid beyond the amount due (the standard for a proxy-paid person), never negative', () => {
    expect(
      overpaymentFen({ paidFen: 76000, amountDueFen: 38000, standardFen: 38000, subsidyMode: null }),
    ).toBe(38000);
    expect(overpaymentFen({ paidFen: 38000, amountDueFen: 0, standardFen: 38000, subsidyMode: 'FULL' })).toBe(
      0,
    );
    expect(
      overpaymentFen({ paidFen: 38000, amountDueFen: 7000, standardFen: 38000, subsidyMode: 'DIFFERENCE' }),
    ).toBe(31000);
    fc.assert(
      fc.property(fc.integer({ min: -50000, max: 200000 }), fc.integer({ min: 0, max: 50000 }), (paid, due) =>
        expect(
          overpaymentFen({ paidFen: paid, amountDueFen: due, standardFen: due, subsidyMode: null }),
        ).toBe(Math.max(0, paid - due)),
      ),
    );
  });
});
