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
  | 'AFTER_SUBSIDY_CUTOFF'
  | 'BEGAN_AFTER_PAYMENT';

/**
 * Why an assessment came out as it did, one code per cause, so a clerk (and the person) never has
 * to guess why a subsidy is zero. `SUBSIDISED` is the only code with a subsidy.
 */
export const ASSESSMENT_REASON_CODES = [
  'SUBSIDISED',
  'CATEGORY_GETS_NOTHING',
  'NO_IDENTITY',
  'IDENTITY_BEGAN_AFTER_PAYMENT',
  'CERTIFIED_ELSEWHERE',
  'CATEGORY_NOT_IN_POLICY',
  'AMOUNT_NOT_STATED',
  'AFTER_SUBSIDY_CUTOFF',
  'IDENTITY_NOT_VALID_ON_DATE',
  'SOURCE_CANNOT_CERTIFY',
] as const;
export type AssessmentReasonCode = (typeof ASSESSMENT_REASON_CODES)[number];

/** Which refusal explains a zero when several identities were turned down: the most telling first. */
const ZERO_PRECEDENCE: [IdentityOutcome, AssessmentReasonCode][] = [
  ['BEGAN_AFTER_PAYMENT', 'IDENTITY_BEGAN_AFTER_PAYMENT'],
  ['CERTIFIED_ELSEWHERE', 'CERTIFIED_ELSEWHERE'],
  ['NOT_IN_POLICY', 'CATEGORY_NOT_IN_POLICY'],
  ['AMOUNT_NOT_STATED', 'AMOUNT_NOT_STATED'],
  ['AFTER_SUBSIDY_CUTOFF', 'AFTER_SUBSIDY_CUTOFF'],
  ['NOT_VALID_ON_DATE', 'IDENTITY_NOT_VALID_ON_DATE'],
  ['SOURCE_CANNOT_CERTIFY', 'SOURCE_CANNOT_CERTIFY'],
];

export interface AssessmentInput {
  enrolmentRegionCode: string;
  /** The date the identities are judged on. */
  asOf: string;
  identities: IdentityPeriod[];
  /** 动态新增救助对象: exempt from the policy's cut-off for subsidised enrolment. */
  dynamicAddition?: boolean;
  /**
   * The date the person paid the whole standard, when they have: the assessment is then judged on
   * that date (no claw-back, no top-up), and an identity that began later is named as such.
   */
  paidInFullOn?: string | null;
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
  reasonCode: AssessmentReasonCode;
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
  const paidOn = input.paidInFullOn ?? null;
  const refusals = new Map<IdentityOutcome, string>();
  for (const identity of input.identities) {
    const name = `${SUBSIDY_CATEGORIES[identity.category].name} (${identity.category})`;
    const mark = (outcome: IdentityOutcome, why?: string) => {
      considered.push({ category: identity.category, source: identity.source, outcome });
      if (why !== undefined && !refusals.has(outcome)) refusals.set(outcome, why);
    };
    if (!categoryAllowedFrom(identity.category, identity.source)) {
      mark('SOURCE_CANNOT_CERTIFY', `${name} cannot be certified by ${identity.source}`);
      continue;
    }
    if (paidOn !== null && identity.validFrom > paidOn) {
      mark(
        'BEGAN_AFTER_PAYMENT',
        `${name} began on ${identity.validFrom}, after the standard was paid in full on ${paidOn}: the contribution is not reduced; the monthly match decides any transfer`,
      );
      continue;
    }
    if (identity.validFrom > input.asOf || (identity.validTo !== null && identity.validTo < input.asOf)) {
      mark(
        'NOT_VALID_ON_DATE',
        `${name} is valid from ${identity.validFrom} to ${identity.validTo ?? '(open)'}, not on ${input.asOf}`,
      );
      continue;
    }
    if (
      policy.eligibility.requireCertificationInEnrolmentRegion &&
      identity.certifiedRegionCode !== input.enrolmentRegionCode
    ) {
      mark(
        'CERTIFIED_ELSEWHERE',
        `${name} was certified in ${identity.certifiedRegionCode}; ${policy.id} subsidises only identities certified where the person enrols (${input.enrolmentRegionCode}) (${policy.eligibility.source})`,
      );
      continue;
    }
    const rule = ruleFor(policy, identity.category);
    if (!rule) {
      mark(
        'NOT_IN_POLICY',
        `${name} gets no subsidy under ${policy.id}: the policy has no rule for this category`,
      );
      continue;
    }
    if (rule.amountFen === null) {
      mark(
        'AMOUNT_NOT_STATED',
        `${name}: ${policy.id} does not state the amount (${rule.unstated?.amountFen ?? rule.source})`,
      );
      continue;
    }
    if (cutoff !== null && input.asOf > cutoff && !input.dynamicAddition && rule.amountFen > 0) {
      mark(
        'AFTER_SUBSIDY_CUTOFF',
        `${name}: no new subsidised enrolment after ${cutoff} under ${policy.id} (${policy.eligibility.source})`,
      );
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
    let reasonCode: AssessmentReasonCode = 'NO_IDENTITY';
    let reason = 'no identity on any approved roster for this person';
    if (best) {
      reasonCode = 'CATEGORY_GETS_NOTHING';
      reason = `${SUBSIDY_CATEGORIES[best.identity.category].name}: no subsidy under ${policy.id} (${best.rule.source})`;
    } else {
      const first = ZERO_PRECEDENCE.find(([outcome]) => refusals.has(outcome));
      if (first) {
        reasonCode = first[1];
        reason = refusals.get(first[0])!;
      }
    }
    return {
      policyId: policy.id,
      standardFen: fen(standard),
      category: best ? best.identity.category : null,
      subsidyFen: fen(0),
      mode: best ? best.rule.mode : null,
      amountDueFen: fen(standard),
      funding: null,
      route: null,
      reasonCode,
      reason,
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
    reasonCode: 'SUBSIDISED',
    reason: `${SUBSIDY_CATEGORIES[best.identity.category].name} (${best.identity.source}): ${best.rule.mode} ${best.amount} fen, highest of ${candidates.length} (${best.rule.source})`,
    considered,
  };
}
