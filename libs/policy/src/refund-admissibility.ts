import { RegionSeasonPolicy } from './policy.model';

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
  const start = policy.benefitPeriod.from ?? policy.collectionWindow.to;
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
