import { PolicyRegistry, ruleFor, SUBSIDY_CATEGORIES, SubsidyCategory } from '@urrbmi/policy';
import { RosterWarning } from './roster.repository';

/**
 * What a clerk should know before approving: categories the region's policy in force on the
 * snapshot's date does not subsidise (a Minquan row coded MONITORED is accepted, and yields
 * nothing), and regions no policy is loaded for.
 */
export function rosterWarnings(
  policies: PolicyRegistry,
  asOf: string,
  staged: { regionCode: string; category: string; rows: number }[],
): RosterWarning[] {
  const out: RosterWarning[] = [];
  const regionsWithoutPolicy = new Map<string, number>();
  for (const s of staged) {
    const policy = policies.inForce(s.regionCode, asOf);
    if (!policy) {
      regionsWithoutPolicy.set(s.regionCode, (regionsWithoutPolicy.get(s.regionCode) ?? 0) + s.rows);
      continue;
    }
    const category = s.category as SubsidyCategory;
    const rule = ruleFor(policy, category);
    if (rule && rule.amountFen !== 0) continue;
    out.push({
      code: 'CATEGORY_NOT_SUBSIDISED',
      regionCode: s.regionCode,
      category: s.category,
      policyId: policy.id,
      rows: s.rows,
      message: rule
        ? `${SUBSIDY_CATEGORIES[category].name} (${s.category}) gets no subsidy under ${policy.id} (${rule.source}): ${s.rows} row(s) will be recorded and yield nothing`
        : `${SUBSIDY_CATEGORIES[category].name} (${s.category}) is not a category of ${policy.id}: ${s.rows} row(s) will be recorded and yield nothing`,
    });
  }
  for (const [regionCode, rows] of regionsWithoutPolicy)
    out.push({
      code: 'NO_POLICY_FOR_REGION',
      regionCode,
      rows,
      message: `no policy is loaded for region ${regionCode}: ${rows} row(s) will be recorded and yield nothing until one is`,
    });
  return out;
}
