import { Fen, fen } from '@urrbmi/domain';
import {
  categoryAllowedFrom,
  FundingSource,
  PayoutRoute,
  RosterSource,
  SUBSIDY_CATEGORIES,
  SubsidyCategory,
  SubsidyMode,
} from './categories';
import { RegionSeasonPolicy, SubsidyRule } from './policy.model';

/** One identity of a person from one department's roster, valid over a period. */
export interface IdentityPeriod {
  category: SubsidyCategory;
  source: RosterSource;
  certifiedRegionCode: string;
  validFrom: string;
  /** Inclusive; null while the identity holds. */
  validTo: string | null;
}

export type IdentityOutcome =
  | 'CHOSEN'
  | 'LOWER'
  | 'NOT_VALID_ON_DATE'
  | 'CERTIFIED_ELSEWHERE'
  | 'NOT_IN_POLICY'
  | 'SOURCE_CANNOT_CERTIFY'
  | 'AMOUNT_NOT_STATED'
  | 'AFTER_SUBSIDY_CUTOFF';

export interface AssessmentInput {
  enrolmentRegionCode: string;
  /** The date the identities are judged on. */
  asOf: string;
  identities: IdentityPeriod[];
  /** 动态新增救助对象: exempt from the policy's cut-off for subsidised enrolment. */
  dynamicAddition?: boolean;
}

export interface SubsidyAssessment {
  policyId: string;
  standardFen: Fen;
  category: SubsidyCategory | null;
  subsidyFen: Fen;
  mode: SubsidyMode | null;
  amountDueFen: Fen;
  funding: FundingSource | null;
  route: PayoutRoute | null;
  reason: string;
  considered: { category: SubsidyCategory; source: RosterSource; outcome: IdentityOutcome }[];
}

const MODE_RANK: Record<SubsidyMode, number> = { FULL: 0, DIFFERENCE: 1, REIMBURSE: 2, NONE: 3 };

export function ruleFor(policy: RegionSeasonPolicy, category: SubsidyCategory): SubsidyRule | undefined {
  return policy.subsidies.find((r) => r.categories.includes(category));
}

/** What the person pays to the tax bureau under a rule (the whole standard without one). */
export function amountDue(standardFen: number, rule: Pick<SubsidyRule, 'mode' | 'amountFen'> | null): Fen {
  if (!rule || rule.amountFen === null) return fen(standardFen);
  switch (rule.mode) {
    case 'FULL':
      return fen(0);
    case 'DIFFERENCE':
      return fen(standardFen - rule.amountFen);
    case 'REIMBURSE': // 先征后补: pays everything, gets the subsidy back
    case 'NONE':
      return fen(standardFen);
  }
}

/**
 * 资助参保 for one person and season: of the identities valid on `asOf`, certified where the policy
 * requires, and known to the policy, the single highest subsidy wins (就高不重复); never two.
 * Ties go to the mode that asks least of the person (FULL, then DIFFERENCE, then REIMBURSE).
 */
export function assessSubsidy(policy: RegionSeasonPolicy, input: AssessmentInput): SubsidyAssessment {
  const standard = policy.contribution.individualFen;
  const considered: SubsidyAssessment['considered'] = [];
  const candidates: { identity: IdentityPeriod; rule: SubsidyRule; amount: number }[] = [];
  const cutoff = policy.eligibility.subsidisedEnrolmentUntil;
  for (const identity of input.identities) {
    const mark = (outcome: IdentityOutcome) =>
      considered.push({ category: identity.category, source: identity.source, outcome });
    if (!categoryAllowedFrom(identity.category, identity.source)) {
      mark('SOURCE_CANNOT_CERTIFY');
      continue;
    }
    if (identity.validFrom > input.asOf || (identity.validTo !== null && identity.validTo < input.asOf)) {
      mark('NOT_VALID_ON_DATE');
      continue;
    }
    if (
      policy.eligibility.requireCertificationInEnrolmentRegion &&
      identity.certifiedRegionCode !== input.enrolmentRegionCode
    ) {
      mark('CERTIFIED_ELSEWHERE');
      continue;
    }
    const rule = ruleFor(policy, identity.category);
    if (!rule) {
      mark('NOT_IN_POLICY');
      continue;
    }
    if (rule.amountFen === null) {
      mark('AMOUNT_NOT_STATED');
      continue;
    }
    if (cutoff !== null && input.asOf > cutoff && !input.dynamicAddition && rule.amountFen > 0) {
      mark('AFTER_SUBSIDY_CUTOFF');
      continue;
    }
    candidates.push({ identity, rule, amount: rule.amountFen });
    mark('LOWER');
  }
  candidates.sort(
    (a, b) =>
      b.amount - a.amount ||
      MODE_RANK[a.rule.mode] - MODE_RANK[b.rule.mode] ||
      a.identity.category.localeCompare(b.identity.category),
  );
  const best = candidates[0];
  if (best) {
    const i = considered.findIndex(
      (c) =>
        c.category === best.identity.category && c.source === best.identity.source && c.outcome === 'LOWER',
    );
    considered[i] = { ...considered[i], outcome: 'CHOSEN' };
  }
  if (!best || best.amount === 0) {
    return {
      policyId: policy.id,
      standardFen: fen(standard),
      category: best ? best.identity.category : null,
      subsidyFen: fen(0),
      mode: best ? best.rule.mode : null,
      amountDueFen: fen(standard),
      funding: null,
      route: null,
      reason: best
        ? `${SUBSIDY_CATEGORIES[best.identity.category].name}: no subsidy under ${policy.id} (${best.rule.source})`
        : 'no identity qualifying for a subsidy on this date',
      considered,
    };
  }
  return {
    policyId: policy.id,
    standardFen: fen(standard),
    category: best.identity.category,
    subsidyFen: fen(best.amount),
    mode: best.rule.mode,
    amountDueFen: amountDue(standard, best.rule),
    funding: best.rule.funding,
    route: best.rule.route,
    reason: `${SUBSIDY_CATEGORIES[best.identity.category].name} (${best.identity.source}): ${best.rule.mode} ${best.amount} fen, highest of ${candidates.length} (${best.rule.source})`,
    considered,
  };
}
