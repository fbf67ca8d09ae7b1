import { toShanghaiIso } from '@urrbmi/domain';
import { RefundPlan } from './plans.repository';

export function planView(p: RefundPlan) {
  return {
    planId: p.id,
    state: p.state,
    refundCount: p.refundCount,
    totalFen: p.totalFen,
    totals: p.totals,
    note: p.note,
    submittedBy: p.submittedBy,
    submittedAt: toShanghaiIso(p.submittedAt),
    funding: p.fundedAt
      ? {
          by: p.fundedBy,
          at: toShanghaiIso(p.fundedAt),
          amountFen: p.fundedAmountFen,
          reference: p.fundingReference,
        }
      : null,
  };
}
export type PlanView = ReturnType<typeof planView>;
