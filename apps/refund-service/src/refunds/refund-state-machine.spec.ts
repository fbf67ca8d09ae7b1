import fc from 'fast-check';
import { RefundErrors } from './refund.errors';
import {
  allowedCommands,
  FINAL_REFUND_STATES,
  planTransition,
  REFUND_COMMANDS,
  REFUND_STATES,
  RefundCommand,
  RefundState,
  reviewGuard,
  transition,
} from './refund-state-machine';

/** Every legal move, written out once more by hand: the table the module must match exactly. */
const LEGAL: [RefundState, RefundCommand, RefundState][] = [
  ['REQUESTED', 'APPROVE', 'APPROVED'],
  ['REQUESTED', 'REJECT', 'REJECTED'],
  ['APPROVED', 'PLAN', 'PLANNED'],
  ['PLANNED', 'FUND', 'FUNDED'],
  ['FUNDED', 'CONFIRM_PAID', 'PAID'],
  ['FUNDED', 'CONFIRM_FAILED', 'PAYOUT_FAILED'],
  ['PAYOUT_FAILED', 'PLAN', 'PLANNED'],
  ['APPROVED', 'WITHDRAW', 'REJECTED'],
  ['PAYOUT_FAILED', 'WITHDRAW', 'REJECTED'],
];

describe('refund state machine', () => {
  it.each(REFUND_STATES.flatMap((s) => REFUND_COMMANDS.map((c) => [s, c] as const)))(
    '%s + %s',
    (state, command) => {
      const legal = LEGAL.find(([s, c]) => s === state && c === command);
      const r = transition(state, command);
      if (legal) expect(r).toEqual({ ok: true, from: state, to: legal[2] });
      else expect(r).toMatchObject({ ok: false, from: state, command });
    },
  );

  it('says what is allowed instead, or that the refund is final', () => {
    expect(transition('APPROVED', 'APPROVE')).toMatchObject({
      ok: false,
      message: 'a APPROVED refund cannot take APPROVE (allowed: WITHDRAW, PLAN)',
    });
    expect(transition('PLANNED', 'CONFIRM_PAID')).toMatchObject({
      ok: false,
      message: 'a PLANNED refund cannot take CONFIRM_PAID (allowed: FUND)',
    });
    expect(transition('PAID', 'PLAN')).toMatchObject({
      ok: false,
      message: 'a PAID refund cannot take PLAN (it is final)',
    });
    for (const s of FINAL_REFUND_STATES) expect(allowedCommands(s)).toEqual([]);
  });

  it('property: no sequence of commands reaches an illegal state', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...REFUND_COMMANDS), { maxLength: 40 }), (commands) => {
        let state: RefundState = 'REQUESTED';
        const taken: RefundCommand[] = [];
        for (const c of commands) {
          const r = transition(state, c);
          if (!r.ok) {
            expect(r.from).toBe(state); // a refused command leaves the refund where it was
            continue;
          }
          expect(r.from).toBe(state);
          expect(REFUND_STATES).toContain(r.to);
          state = r.to;
          taken.push(c);
        }
        // Paid only once approved, and funded since it was last planned: never money without both.
        if (state === 'PAID') {
          expect(taken[0]).toBe('APPROVE');
          const lastPlan = taken.lastIndexOf('PLAN');
          expect(lastPlan).toBeGreaterThan(0);
          expect(taken.slice(lastPlan)).toEqual(['PLAN', 'FUND', 'CONFIRM_PAID']);
        }
        // Rejected: at review, or an approval withdrawn before any money moved for it.
        if (state === 'REJECTED') {
          expect(['REJECT', 'WITHDRAW']).toContain(taken[taken.length - 1]);
          expect(taken).not.toContain('CONFIRM_PAID');
          if (taken[taken.length - 1] === 'WITHDRAW')
            expect(['APPROVE', 'CONFIRM_FAILED']).toContain(taken[taken.length - 2]);
          else expect(taken).toEqual(['REJECT']);
        }
        if (taken.includes('REJECT') || taken.includes('WITHDRAW')) expect(state).toBe('REJECTED');
        // Paid at most once; nothing follows a final state.
        expect(taken.filter((c) => c === 'CONFIRM_PAID').length).toBeLessThanOrEqual(1);
        const finalAt = taken.findIndex((c) => c === 'CONFIRM_PAID' || c === 'REJECT' || c === 'WITHDRAW');
        if (finalAt >= 0) expect(finalAt).toBe(taken.length - 1);
        // Every funding follows a planning, every planning an approval or a failed payout.
        taken.forEach((c, i) => {
          if (c === 'FUND') expect(taken[i - 1]).toBe('PLAN');
          if (c === 'PLAN') expect(['APPROVE', 'CONFIRM_FAILED']).toContain(taken[i - 1]);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('funds a plan once', () => {
    expect(planTransition('SUBMITTED', 'FUND')).toEqual({ ok: true, to: 'FUNDED' });
    expect(planTransition('FUNDED', 'FUND')).toEqual({
      ok: false,
      message: 'a FUNDED plan cannot take FUND',
    });
  });
});

describe('review guard', () => {
  const base = {
    decision: 'APPROVE' as const,
    reviewer: 'mib-zhao',
    enteredBy: 'tax-li',
    precheckPassed: true,
    paymentKnown: true,
  };

  it('never lets the entrant review, whatever the decision', () => {
    for (const decision of ['APPROVE', 'REJECT'] as const)
      expect(reviewGuard({ ...base, decision, reviewer: 'tax-li' })).toEqual({
        ok: false,
        code: 'REVIEWER_IS_ENTRANT',
        message: 'tax-li entered this application and cannot review it',
      });
  });

  it('refuses with codes whose statuses clients see', () => {
    expect(RefundErrors.status).toMatchObject({
      REVIEWER_IS_ENTRANT: 403,
      PAYMENT_NOT_RECORDED: 422,
      PRECHECK_FAILED: 422,
    });
  });

  it('approves a failed pre-check only with an override reason, and never an unrecorded voucher', () => {
    expect(reviewGuard({ ...base, precheckPassed: false })).toMatchObject({
      ok: false,
      code: 'PRECHECK_FAILED',
    });
    expect(reviewGuard({ ...base, precheckPassed: false, override: '  ' })).toMatchObject({
      code: 'PRECHECK_FAILED',
    });
    expect(reviewGuard({ ...base, precheckPassed: false, override: 'bank confirmed' })).toEqual({ ok: true });
    expect(reviewGuard({ ...base, precheckPassed: false, paymentKnown: false, override: 'x' })).toMatchObject(
      { code: 'PAYMENT_NOT_RECORDED' },
    );
    expect(reviewGuard({ ...base, decision: 'REJECT', precheckPassed: false, paymentKnown: false })).toEqual({
      ok: true,
    });
  });
});
