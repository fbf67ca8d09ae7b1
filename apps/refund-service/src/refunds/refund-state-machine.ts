/**
 * The refund's life in one place (退费: 税务受理 → 医保审核 → 用款计划 → 财政拨付 → 支付).
 * Every use case that moves a refund asks `transition`; nothing else decides which move is legal.
 *
 *   REQUESTED --APPROVE--> APPROVED --PLAN--> PLANNED --FUND--> FUNDED --CONFIRM_PAID--> PAID
 *   REQUESTED --REJECT--> REJECTED
 *   FUNDED --CONFIRM_FAILED--> PAYOUT_FAILED --PLAN--> PLANNED   (a failed payout is planned again)
 *   APPROVED | PAYOUT_FAILED --WITHDRAW--> REJECTED   (before money moved: the payment was reversed
 *                                                      since, the account is closed for good, …)
 */
export const REFUND_STATES = [
  'REQUESTED',
  'APPROVED',
  'REJECTED',
  'PLANNED',
  'FUNDED',
  'PAID',
  'PAYOUT_FAILED',
] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export const REFUND_COMMANDS = [
  'APPROVE',
  'REJECT',
  'WITHDRAW',
  'PLAN',
  'FUND',
  'CONFIRM_PAID',
  'CONFIRM_FAILED',
] as const;
export type RefundCommand = (typeof REFUND_COMMANDS)[number];

const TRANSITIONS: Record<RefundState, Partial<Record<RefundCommand, RefundState>>> = {
  REQUESTED: { APPROVE: 'APPROVED', REJECT: 'REJECTED' },
  APPROVED: { PLAN: 'PLANNED', WITHDRAW: 'REJECTED' },
  REJECTED: {},
  PLANNED: { FUND: 'FUNDED' },
  FUNDED: { CONFIRM_PAID: 'PAID', CONFIRM_FAILED: 'PAYOUT_FAILED' },
  PAID: {},
  PAYOUT_FAILED: { PLAN: 'PLANNED', WITHDRAW: 'REJECTED' },
};

/** States a refund stays in for good; while in any other, its voucher has an open refund. */
export const FINAL_REFUND_STATES: readonly RefundState[] = ['REJECTED', 'PAID'];

export type TransitionResult =
  | { ok: true; from: RefundState; to: RefundState }
  | { ok: false; from: RefundState; command: RefundCommand; allowed: RefundCommand[]; message: string };

export function allowedCommands(state: RefundState): RefundCommand[] {
  return REFUND_COMMANDS.filter((c) => TRANSITIONS[state][c] !== undefined);
}

/** Where `command` takes a refund in `state`, or why it cannot. */
export function transition(state: RefundState, command: RefundCommand): TransitionResult {
  const to = TRANSITIONS[state][command];
  if (to) return { ok: true, from: state, to };
  const allowed = allowedCommands(state);
  return {
    ok: false,
    from: state,
    command,
    allowed,
    message: `a ${state} refund cannot take ${command}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'}`,
  };
}

/** Refund plans (退费用款计划): submitted to finance, then funded once. */
export type PlanState = 'SUBMITTED' | 'FUNDED';

export function planTransition(
  state: PlanState,
  command: 'FUND',
): { ok: true; to: PlanState } | { ok: false; message: string } {
  if (state === 'SUBMITTED' && command === 'FUND') return { ok: true, to: 'FUNDED' };
  return { ok: false, message: `a ${state} plan cannot take ${command}` };
}

export interface ReviewDecision {
  decision: 'APPROVE' | 'REJECT' | 'WITHDRAW';
  reviewer: string;
  enteredBy: string;
  /** Why the reviewer approves although a pre-check failed. */
  override?: string;
  precheckPassed: boolean;
  /** False when the voucher was never recorded: there is no payment to pay back. */
  paymentKnown: boolean;
}

/** What the guard refuses with: codes of `RefundErrors`, which carry their statuses. */
export type ReviewRefusal = 'REVIEWER_IS_ENTRANT' | 'PAYMENT_NOT_RECORDED' | 'PRECHECK_FAILED';

export type ReviewGuard = { ok: true } | { ok: false; code: ReviewRefusal; message: string };

/**
 * Maker–checker and the pre-checks, beside the transition they guard: the person who entered an
 * application never reviews it, a failed pre-check is approved only with an override reason, and a
 * voucher the tax feed never recorded cannot be approved at all (nothing to refund against yet).
 */
export function reviewGuard(r: ReviewDecision): ReviewGuard {
  if (r.reviewer === r.enteredBy)
    return {
      ok: false,
      code: 'REVIEWER_IS_ENTRANT',
      message: `${r.reviewer} entered this application and cannot review it`,
    };
  if (r.decision !== 'APPROVE') return { ok: true };
  if (!r.paymentKnown)
    return {
      ok: false,
      code: 'PAYMENT_NOT_RECORDED',
      message: 'the voucher is not among the recorded payments: wait for the tax feed, or reject',
    };
  if (!r.precheckPassed && !r.override?.trim())
    return {
      ok: false,
      code: 'PRECHECK_FAILED',
      message: 'pre-checks failed: approving needs an override reason',
    };
  return { ok: true };
}
