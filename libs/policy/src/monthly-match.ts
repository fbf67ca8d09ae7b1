import { addMonthsToMonth, Fen, fen, lastDayOfMonth, YearMonth } from '@urrbmi/domain';
import { PayoutRoute, SubsidyCategory } from './categories';
import { RegionSeasonPolicy } from './policy.model';
import { AssessmentReasonCode, assessSubsidy, IdentityPeriod } from './subsidy-assessment';

/** Why the match made no transfer for a person: its own codes, or the assessment's. */
export type MatchSkipCode =
  | 'MATCH_NOT_OFFERED'
  | 'ALREADY_TRANSFERRED'
  | 'SUBSIDY_ALREADY_ENJOYED'
  | 'NOT_PAID_IN_FULL'
  | 'MODE_NOT_TRANSFERRED'
  | 'NO_TRANSFER_ROUTE'
  | Exclude<AssessmentReasonCode, 'SUBSIDISED'>;

export interface MatchCandidate {
  idNumber: string;
  enrolmentRegionCode: string;
  /** What the person has paid for the season, net of reversals. */
  paidFen: number;
  /** The date the payments first reached the full standard, if they did. */
  paidInFullOn: string | null;
  /** Subsidy the person already enjoyed this season (a reduced contribution, a proxy payment). */
  subsidyEnjoyedFen: number;
  /** A transfer was already created for this person and season (by any earlier run). */
  alreadyTransferred: boolean;
  identities: IdentityPeriod[];
}

export interface OneCardTransferInstruction {
  idNumber: string;
  amountFen: Fen;
  category: SubsidyCategory;
  route: PayoutRoute;
  /** The month the money moves (当月参保、次月资助). */
  transferMonth: YearMonth;
  reason: string;
}

export interface MatchResult {
  transfers: OneCardTransferInstruction[];
  skipped: { idNumber: string; code: MatchSkipCode; reason: string }[];
}

/**
 * The monthly match (按月数据比对) for month M: people who paid the full standard by the end of M and
 * hold, at the end of M, an identity whose subsidy they have not enjoyed get one transfer in M+offset.
 * Never twice per person and season; nothing is ever taken back (no claw-back, no top-up).
 */
export function monthlyMatch(
  policy: RegionSeasonPolicy,
  month: YearMonth,
  candidates: MatchCandidate[],
): MatchResult {
  const rule = policy.monthlyMatch;
  const out: MatchResult = { transfers: [], skipped: [] };
  if (!rule.enabled) {
    for (const c of candidates)
      out.skipped.push({
        idNumber: c.idNumber,
        code: 'MATCH_NOT_OFFERED',
        reason: `${policy.id} makes no transfers after payment (${rule.source})`,
      });
    return out;
  }
  const asOf = lastDayOfMonth(month);
  const transferMonth = addMonthsToMonth(month, rule.transferMonthOffset ?? 1);
  const standard = policy.contribution.individualFen;
  for (const c of candidates) {
    const skip = (code: MatchSkipCode, reason: string) =>
      out.skipped.push({ idNumber: c.idNumber, code, reason });
    if (c.alreadyTransferred) {
      skip('ALREADY_TRANSFERRED', 'already transferred this season');
      continue;
    }
    if (c.subsidyEnjoyedFen > 0) {
      skip('SUBSIDY_ALREADY_ENJOYED', 'subsidy already enjoyed this season');
      continue;
    }
    if (c.paidInFullOn === null || c.paidInFullOn > asOf || c.paidFen < standard) {
      skip('NOT_PAID_IN_FULL', `not paid in full by ${asOf}`);
      continue;
    }
    // Certified already when they paid: the subsidy was theirs then — a proxy payment or a reduced
    // contribution (an overpayment is refunded, not transferred). Judged from the identity periods
    // and the payment date, so the order in which rosters and payments arrive does not matter.
    const atPayment = assessSubsidy(policy, {
      enrolmentRegionCode: c.enrolmentRegionCode,
      asOf: c.paidInFullOn,
      paidInFullOn: c.paidInFullOn,
      identities: c.identities,
    });
    if (
      atPayment.reasonCode === 'SUBSIDISED' &&
      (atPayment.mode === 'FULL' || atPayment.mode === 'DIFFERENCE')
    ) {
      skip(
        'SUBSIDY_ALREADY_ENJOYED',
        `certified before paying in full on ${c.paidInFullOn}: ${atPayment.reason}`,
      );
      continue;
    }
    const a = assessSubsidy(policy, {
      enrolmentRegionCode: c.enrolmentRegionCode,
      asOf,
      identities: c.identities,
    });
    if (a.reasonCode !== 'SUBSIDISED' || a.category === null || a.mode === null) {
      skip(a.reasonCode === 'SUBSIDISED' ? 'CATEGORY_GETS_NOTHING' : a.reasonCode, a.reason);
      continue;
    }
    if (!rule.modes.includes(a.mode)) {
      skip(
        'MODE_NOT_TRANSFERRED',
        `${a.mode} subsidies are not transferred after payment under ${policy.id} (${rule.source})`,
      );
      continue;
    }
    // REIMBURSE rules name their own route; FULL (proxy payment) and DIFFERENCE (reduced
    // contribution) have no route to a person who already paid, so the match's route is used.
    const route = a.mode === 'REIMBURSE' ? a.route : rule.transferRoute;
    if (!route) {
      skip('NO_TRANSFER_ROUTE', `${policy.id} names no route for ${a.mode} transfers`);
      continue;
    }
    out.transfers.push({
      idNumber: c.idNumber,
      amountFen: fen(a.subsidyFen),
      category: a.category,
      route,
      transferMonth,
      reason: `paid ${c.paidFen} fen by ${c.paidInFullOn}; ${a.reason}${rule.transferMonthOffset === null ? '; transfer month not stated by the policy: next month' : ''}`,
    });
  }
  return out;
}
