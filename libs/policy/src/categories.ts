/**
 * Departments that send rosters (花名册), as named in the roster upload contract.
 */
export const ROSTER_SOURCES = {
  CIVIL_AFFAIRS: '民政局',
  RURAL_REVITALIZATION: '乡村振兴局',
  VETERANS: '退役军人事务局',
  HEALTH: '卫生健康委员会',
  DISABLED_FEDERATION: '残疾人联合会',
  EMPLOYEE_INSURANCE: '职工医保',
} as const;
export type RosterSource = keyof typeof ROSTER_SOURCES;

/**
 * Hardship or entitled identities a roster may certify. The Chinese name is the one the notices
 * use; `sources` are the departments whose rosters may carry the category.
 */
export const SUBSIDY_CATEGORIES = {
  EXTREME_POVERTY: { name: '特困人员', sources: ['CIVIL_AFFAIRS'] },
  ORPHAN: { name: '孤儿（含事实无人抚养儿童）', sources: ['CIVIL_AFFAIRS'] },
  MINIMUM_LIVING: { name: '低保对象', sources: ['CIVIL_AFFAIRS'] },
  MINIMUM_LIVING_RURAL_CLASS_1_2: { name: '农村一、二类低保', sources: ['CIVIL_AFFAIRS'] },
  MINIMUM_LIVING_URBAN_FULL: { name: '城市低保全额保障对象', sources: ['CIVIL_AFFAIRS'] },
  MINIMUM_LIVING_RURAL_CLASS_3_4: { name: '农村三、四类低保', sources: ['CIVIL_AFFAIRS'] },
  MINIMUM_LIVING_URBAN_DIFFERENTIAL: { name: '城市差额低保对象', sources: ['CIVIL_AFFAIRS'] },
  MINIMUM_LIVING_EDGE: { name: '低保边缘家庭成员', sources: ['CIVIL_AFFAIRS'] },
  RETURNED_TO_POVERTY: { name: '返贫致贫人口', sources: ['RURAL_REVITALIZATION'] },
  UNSTABLE_OUT_OF_POVERTY: { name: '脱贫不稳定户', sources: ['RURAL_REVITALIZATION'] },
  EDGE_OF_POVERTY: { name: '边缘易致贫户', sources: ['RURAL_REVITALIZATION'] },
  SUDDEN_HARDSHIP: { name: '突发严重困难户', sources: ['RURAL_REVITALIZATION'] },
  MONITORED: { name: '监测人口', sources: ['RURAL_REVITALIZATION'] },
  OUT_OF_POVERTY: { name: '已脱贫人口', sources: ['RURAL_REVITALIZATION'] },
  STABLE_OUT_OF_POVERTY: { name: '稳定脱贫人口（未纳入监测）', sources: ['RURAL_REVITALIZATION'] },
  FAMILY_PLANNING_PROXY: { name: '计生代缴对象', sources: ['HEALTH'] },
  KEY_ENTITLED: { name: '重点优抚对象', sources: ['VETERANS'] },
  SEVERE_DISABILITY: { name: '重度残疾人', sources: ['DISABLED_FEDERATION'] },
} as const satisfies Record<string, { name: string; sources: readonly RosterSource[] }>;
export type SubsidyCategory = keyof typeof SUBSIDY_CATEGORIES;
export const SUBSIDY_CATEGORY_CODES = Object.keys(SUBSIDY_CATEGORIES) as SubsidyCategory[];

export function categoryAllowedFrom(category: SubsidyCategory, source: RosterSource): boolean {
  return (SUBSIDY_CATEGORIES[category].sources as readonly RosterSource[]).includes(source);
}

/** 全额资助 (proxy payment), 差额征缴, 先征后补; NONE records a category the policy says gets nothing. */
export const SUBSIDY_MODES = ['FULL', 'DIFFERENCE', 'REIMBURSE', 'NONE'] as const;
export type SubsidyMode = (typeof SUBSIDY_MODES)[number];

/** Which account pays the subsidy. */
export const FUNDING_SOURCES = [
  'MEDICAL_ASSISTANCE_FUND', // 医疗救助资金
  'MIB', // 医保局 funds it (and hands it on through the route)
  'MIB_VIA_CIVIL_AFFAIRS', // 医保局拨付民政局代缴
  'DEPARTMENT_BY_DUTY', // 按部门职责落实
  'NOT_STATED',
] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

/** How the money reaches the person (or the fund, for proxy payment). */
export const PAYOUT_ROUTES = [
  'PROXY_PAYMENT', // 代缴: the funding department pays the contribution; arrives as a PROXY payment
  'ONE_CARD', // 一卡通 account of the person
  'CIVIL_AFFAIRS_ACCOUNT', // MIB -> civil affairs account -> personal account
  'TOWNSHIP_GOVERNMENT', // MIB -> township government -> personal bank account
  'REDUCED_CONTRIBUTION', // 差额征缴: the person simply pays less
  'NONE',
] as const;
export type PayoutRoute = (typeof PAYOUT_ROUTES)[number];

/** Groups that may enrol after the collection window (补办参保). */
export const LATE_ENROLMENT_GROUPS = {
  EMPLOYEE_INSURANCE_LEAVER: '中断职工医保缴费人员',
  DEMOBILISED_SOLDIER: '退出现役军人及随军未就业配偶',
  NEWLY_CERTIFIED_ASSISTANCE: '动态新增救助对象',
  RELEASED_FROM_OTHER_SCHEME: '刑满释放等退出其他制度保障人员',
} as const;
export type LateEnrolmentGroup = keyof typeof LATE_ENROLMENT_GROUPS;

/** Groups with a longer collection window (Zhuji: 外出务工春节返乡农民工). */
export const EXTENDED_WINDOW_GROUPS = { MIGRANT_WORKER: '外出务工春节返乡农民工' } as const;
export type ExtendedWindowGroup = keyof typeof EXTENDED_WINDOW_GROUPS;
