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

/** One assessment the subsidy service made (subsidy.assessed), at the instant it made it. */
export interface AssessmentFact {
  assessedAt: Date;
  amountDueFen: number;
  subsidyFen: number;
  mode: string | null;
  category: string | null;
  reason: string;
}

/** What the person owes and why: the registration's standard, or the assessment in force. */
export interface Terms {
  amountDueFen: number;
  subsidyFen: number;
  subsidyMode: string | null;
  subsidyCategory: string | null;
  subsidyReason: string | null;
}

export interface Standing {
  status: 'REGISTERED' | 'ACTIVE';
  paidFen: number;
  paidAs: 'PAID' | 'PROXY_PAID' | null;
  flag: PaymentFlag | null;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingMonths: number;
  /** Asia/Shanghai date the amount due was complete, when ACTIVE. */
  paidInFullOn: string | null;
  /** The assessment in force, when the standing was judged with assessments. */
  terms: Terms | null;
  /** Assessments made after the person had paid in full: noted, not applied (no claw-back, no top-up). */
  ignoredAssessments: AssessmentFact[];
  reason: string;
}

function termsOf(a: AssessmentFact): Terms {
  return {
    amountDueFen: a.amountDueFen,
    subsidyFen: a.subsidyFen,
    subsidyMode: a.mode,
    subsidyCategory: a.category,
    subsidyReason: a.reason,
  };
}

/**
 * Where an enrolment stands given every payment, reversal, refund and assessment so far, folded in
 * the order the facts happened (payment and reversal instants, assessment instants), never in the
 * order they arrived: the same facts give the same standing whatever the interleaving.
 *
 * Active with its benefit period once the expected amount is in (the person's amount due, or the
 * whole standard paid by proxy for a fully subsidised person), judged on the Shanghai date the last
 * needed payment arrived. An assessment applies until the person has paid in full; one made after
 * that changes nothing this season (no claw-back, no top-up), unless a reversal re-opens the
 * enrolment before it. Under- and over-payments and payments outside the window are flagged, never
 * silently accepted. Without `assessments`, `expected` is taken as in force throughout.
 */
export function paymentStanding(
  policy: RegionSeasonPolicy,
  facts: EnrolmentFacts,
  expected: { amountDueFen: number; subsidyMode: string | null; standardFen: number },
  ledger: LedgerEntry[],
  assessments?: AssessmentFact[],
): Standing {
  const paid = ledger.reduce((s, e) => s + e.amountFen, 0);
  const folded = assessments !== undefined && assessments.length > 0;
  let terms: Terms | null = folded
    ? {
        amountDueFen: expected.standardFen,
        subsidyFen: 0,
        subsidyMode: null,
        subsidyCategory: null,
        subsidyReason: null,
      }
    : null;
  const targetOf = (mode: string | null, due: number) => (mode === 'FULL' ? expected.standardFen : due);
  let target = folded
    ? targetOf(null, expected.standardFen)
    : targetOf(expected.subsidyMode, expected.amountDueFen);
  // Facts in time order; at the same instant an assessment counts before a payment.
  const timeline = [
    ...(assessments ?? []).map((a) => ({ at: a.assessedAt.getTime(), order: 0, a, e: undefined })),
    ...ledger.map((e) => ({ at: e.paidAt.getTime(), order: 1, a: undefined, e })),
  ].sort((x, y) => x.at - y.at || x.order - y.order);
  let running = 0;
  let completedAt: Date | undefined;
  let lastPaymentAt: Date | undefined;
  const ignoredAssessments: AssessmentFact[] = [];
  for (const f of timeline) {
    if (f.a) {
      if (completedAt !== undefined) {
        ignoredAssessments.push(f.a);
        continue;
      }
      terms = termsOf(f.a);
      target = targetOf(f.a.mode, f.a.amountDueFen);
      // A lower amount due may complete what was paid already: complete on that payment's date.
      if (running > 0 && running >= target) completedAt = lastPaymentAt ?? f.a.assessedAt;
      continue;
    }
    const e = f.e!;
    running += e.amountFen;
    if (e.amountFen > 0) lastPaymentAt = e.paidAt;
    if (running >= target && completedAt === undefined) completedAt = e.paidAt;
    if (running < target) completedAt = undefined;
  }
  const none = {
    benefitStart: null,
    benefitEnd: null,
    waitingMonths: 0,
    paidAs: null,
    paidInFullOn: null,
    terms,
    ignoredAssessments,
  };
  if (paid <= 0)
    return { status: 'REGISTERED', paidFen: Math.max(0, paid), flag: null, reason: 'nothing paid', ...none };
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
    paidInFullOn: date,
    terms,
    ignoredAssessments,
    reason: `paid ${paid} of ${target} fen by ${date}; ${decision.reason}`,
  };
}
