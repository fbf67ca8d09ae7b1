import { loadPolicies } from './policy-loader';
import { SubsidyCategory } from './categories';
import { RegionSeasonPolicy } from './policy.model';
import { IdentityPeriod } from './subsidy-assessment';

let cache: Map<string, RegionSeasonPolicy> | undefined;

/** The bundled seed policies, loaded once per test file. */
export function seedPolicy(
  id: '620725-2021' | '620725-2023' | '411421-2023' | '341323-2023',
): RegionSeasonPolicy {
  cache ??= loadPolicies();
  const p = cache.get(id);
  if (!p) throw new Error(`no bundled policy ${id}`);
  return p;
}

const SOURCE_OF: Partial<Record<SubsidyCategory, IdentityPeriod['source']>> = {
  FAMILY_PLANNING_PROXY: 'HEALTH',
  KEY_ENTITLED: 'VETERANS',
};
const RURAL = new Set<SubsidyCategory>([
  'RETURNED_TO_POVERTY',
  'UNSTABLE_OUT_OF_POVERTY',
  'EDGE_OF_POVERTY',
  'SUDDEN_HARDSHIP',
  'MONITORED',
  'OUT_OF_POVERTY',
  'STABLE_OUT_OF_POVERTY',
]);

/** An identity from the department that certifies the category, valid since 2020. */
export function identity(
  category: SubsidyCategory,
  region: string,
  extra: Partial<IdentityPeriod> = {},
): IdentityPeriod {
  return {
    category,
    source: SOURCE_OF[category] ?? (RURAL.has(category) ? 'RURAL_REVITALIZATION' : 'CIVIL_AFFAIRS'),
    certifiedRegionCode: region,
    validFrom: '2020-01-01',
    validTo: null,
    ...extra,
  };
}
