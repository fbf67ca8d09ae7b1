import { decideEnrolment, EnrolmentRequest, RegionSeasonPolicy } from '@urrbmi/policy';
import { shanghaiDate } from '@urrbmi/domain';

/** What registration recorded about the person that decides their benefit period at payment. */
export interface EnrolmentFacts {
  newbornBirthDate?: string;
  extendedGroup?: EnrolmentRequest['extendedGroup'];
  lateGroup?: EnrolmentRequest['lateGroup'];
  employeeHistory?: EnrolmentRequest['employeeHistory'];
}

export interface LedgerEntry {
  amountFen: number;
  paidAt: Date;
  channel: string | null;
}

export type PaymentFlag = 'UNDERPAID' | 'OVERPAID' | 'PAID_OUTSIDE_WINDOW';

export interface Standing {
  status: 'REGISTERED' | 'ACTIVE';
  paidFen: number;
  paidAs: 'PAID' | 'PROXY_PAID' | null;
  flag: PaymentFlag | null;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingMonths: number;
  reason: string;
}

/**
 * Where an enrolment stands given every payment and reversal so far: active with its benefit period
 * once the expected amount is in (the person's amount due, or the whole standard paid by proxy for a
 * fully subsidised person), judged on the Shanghai date the last needed payment arrived. Under- and
 * over-payments and payments outside the window are flagged, never silently accepted.
 */
export function paymentStanding(
  policy: RegionSeasonPolicy,
  facts: EnrolmentFacts,
  expected: { amountDueFen: number; subsidyMode: string | null; standardFen: number },
  ledger: LedgerEntry[],
): Standing {
  const paid = ledger.reduce((s, e) => s + e.amountFen, 0);
  const target = expected.subsidyMode === 'FULL' ? expected.standardFen : expected.amountDueFen;
  const none = { benefitStart: null, benefitEnd: null, waitingMonths: 0, paidAs: null };
  if (paid <= 0)
    return { status: 'REGISTERED', paidFen: Math.max(0, paid), flag: null, reason: 'nothing paid', ...none };
  // The date the running total first reached the target, with reversals in time order.
  const ordered = [...ledger].sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
  let running = 0;
  let completedAt: Date | undefined;
  for (const e of ordered) {
    running += e.amountFen;
    if (running >= target && completedAt === undefined) completedAt = e.paidAt;
    if (running < target) completedAt = undefined;
  }
  if (paid < target || completedAt === undefined) {
    return {
      status: 'REGISTERED',
      paidFen: paid,
      flag: 'UNDERPAID',
      reason: `paid ${paid} of ${target} fen`,
      ...none,
    };
  }
  const date = shanghaiDate(completedAt);
  const decision = decideEnrolment(policy, {
    date,
    newborn: facts.newbornBirthDate ? { birthDate: facts.newbornBirthDate } : undefined,
    extendedGroup: facts.extendedGroup,
    lateGroup: facts.lateGroup,
    employeeHistory: facts.employeeHistory,
  });
  if (!decision.allowed) {
    return {
      status: 'REGISTERED',
      paidFen: paid,
      flag: 'PAID_OUTSIDE_WINDOW',
      reason: `paid on ${date}: ${decision.reason}`,
      ...none,
    };
  }
  const proxy = ledger.some((e) => e.channel === 'PROXY' && e.amountFen > 0);
  return {
    status: 'ACTIVE',
    paidFen: paid,
    paidAs: proxy ? 'PROXY_PAID' : 'PAID',
    flag: paid > target ? 'OVERPAID' : null,
    benefitStart: decision.benefitStart,
    benefitEnd: decision.benefitEnd,
    waitingMonths: decision.waitingMonths,
    reason: `paid ${paid} of ${target} fen by ${date}; ${decision.reason}`,
  };
}
