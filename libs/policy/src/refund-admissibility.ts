import { RegionSeasonPolicy } from './policy.model';
import { benefitStart } from './season-calendar';

export const REFUND_REASONS = [
  'DOUBLE_COVER_EMPLOYEE',
  'OVERPAYMENT',
  'DUPLICATE_PAYMENT',
  'DEATH',
  'TRANSFER_OUT',
  'OTHER',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export interface RefundAdmissibility {
  decision: 'ADMISSIBLE' | 'INADMISSIBLE' | 'REVIEW';
  reason: string;
}

/**
 * Whether a refund application can be granted on `date` for `reason`. What the policy states is
 * decided here; what it leaves open goes to the bureau's review (REVIEW), never silently granted.
 */
export function refundAdmissibility(
  policy: RegionSeasonPolicy,
  reason: RefundReason,
  date: string,
): RefundAdmissibility {
  const start = benefitStart(policy);
  switch (reason) {
    case 'DOUBLE_COVER_EMPLOYEE': {
      const rule = policy.refunds.doubleCoverRefundableAfterBenefitStart;
      if (rule === null)
        return { decision: 'REVIEW', reason: `${policy.id} does not state the double-cover refund rule` };
      if (rule === false && date >= start) {
        return {
          decision: 'INADMISSIBLE',
          reason: `double cover: not refunded once the benefit period started on ${start} (${policy.refunds.source})`,
        };
      }
      return {
        decision: 'ADMISSIBLE',
        reason: `double cover, applied before the benefit period starts on ${start} (${policy.refunds.source})`,
      };
    }
    case 'OVERPAYMENT':
    case 'DUPLICATE_PAYMENT':
      return { decision: 'ADMISSIBLE', reason: 'money paid beyond the amount due was never a contribution' };
    default:
      return {
        decision: 'REVIEW',
        reason: `${reason}: the seeds state no rule; the medical insurance bureau decides`,
      };
  }
}

/** What the refund desk knows about the voucher an application names (from the tax feed's events). */
export interface RefundedPayment {
  idNumber: string;
  /** What the voucher paid, in fen. */
  amountFen: number;
  /** The tax bureau reversed (冲正) the voucher. */
  reversed: boolean;
}

export interface RefundPrecheckInput {
  /** The region-season policy of the payment; undefined when the voucher or its policy is unknown. */
  policy: RegionSeasonPolicy | undefined;
  reason: RefundReason;
  /** Asia/Shanghai date the application is judged on (the day it is entered or reviewed). */
  date: string;
  idNumber: string;
  requestedFen: number;
  /** Null: no `payment.recorded` for this voucher (yet). */
  payment: RefundedPayment | null;
  /** Already paid back on this voucher by earlier refunds, in fen. */
  refundedFen: number;
}

export const REFUND_PRECHECK_CODES = [
  'UNKNOWN_VOUCHER',
  'ID_NUMBER_MISMATCH',
  'PAYMENT_REVERSED',
  'ALREADY_REFUNDED',
  'AMOUNT_ABOVE_PAID',
  'NO_POLICY',
  'NOT_ADMISSIBLE',
] as const;
export type RefundPrecheckCode = (typeof REFUND_PRECHECK_CODES)[number];

export interface RefundPrecheck {
  /** True when nothing failed: the bureau may approve without an override. */
  passed: boolean;
  failures: { code: RefundPrecheckCode; message: string }[];
  /** What the reviewer should know although nothing failed (e.g. a reason the notices leave open). */
  notes: string[];
}

/**
 * The automatic checks of a refund application (S23 六(二): tax accepts, MIB reviews): the payment
 * exists, belongs to the applicant, was not reversed or refunded already, covers the amount, and the
 * policy admits the reason on the date. A failure does not refuse the application — the bureau sees
 * it and must give an override reason to approve — so every failure carries its own message.
 */
export function refundPrechecks(input: RefundPrecheckInput): RefundPrecheck {
  const failures: RefundPrecheck['failures'] = [];
  const notes: string[] = [];
  const p = input.payment;
  if (!p) {
    failures.push({
      code: 'UNKNOWN_VOUCHER',
      message: 'no payment with this voucher has been recorded by the tax bureau',
    });
  } else {
    if (p.idNumber !== input.idNumber)
      failures.push({
        code: 'ID_NUMBER_MISMATCH',
        message: 'the voucher was paid for another resident ID number',
      });
    if (p.reversed) {
      failures.push({ code: 'PAYMENT_REVERSED', message: 'the tax bureau reversed this payment' });
    } else {
      const refundable = p.amountFen - input.refundedFen;
      if (refundable <= 0)
        failures.push({
          code: 'ALREADY_REFUNDED',
          message: `the ${p.amountFen} fen of this voucher were refunded already`,
        });
      else if (input.requestedFen > refundable)
        failures.push({
          code: 'AMOUNT_ABOVE_PAID',
          message: `${input.requestedFen} fen asked, ${refundable} fen refundable (paid ${p.amountFen}, refunded ${input.refundedFen})`,
        });
    }
  }
  if (p && !input.policy) {
    failures.push({ code: 'NO_POLICY', message: 'no policy for the region and season of this payment' });
  } else if (input.policy) {
    const a = refundAdmissibility(input.policy, input.reason, input.date);
    if (a.decision === 'INADMISSIBLE') failures.push({ code: 'NOT_ADMISSIBLE', message: a.reason });
    else if (a.decision === 'REVIEW') notes.push(a.reason);
  }
  return { passed: failures.length === 0, failures, notes };
}

/**
 * What a person paid beyond what the season asked of them (多缴): the whole standard for a fully
 * subsidised person paid by proxy, otherwise their amount due. Never negative.
 */
export function overpaymentFen(e: {
  paidFen: number;
  amountDueFen: number;
  standardFen: number;
  subsidyMode: string | null;
}): number {
  const expected = e.subsidyMode === 'FULL' ? e.standardFen : e.amountDueFen;
  return Math.max(0, e.paidFen - expected);
}
