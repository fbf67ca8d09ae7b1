/**
 * Administrative units of the seed regions. County codes are the official GB/T 2260 codes. The
 * township and village codes are ASSIGNED by this project (official: false): the seeds name the
 * units but not their statistical division codes, and we do not guess official ones. Assigned codes
 * follow the official shape (county + 3 digits for a township, township + 3 for a village) in the
 * order of the seed's quota table, so they can be replaced by official codes without changing shape.
 */
export type RegionLevel = 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

export interface RegionUnit {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  official: boolean;
  /** Seed the unit comes from. */
  seed: 'S21' | 'S23' | 'MQ' | 'ZJ';
}

const county = (code: string, name: string, seed: RegionUnit['seed']): RegionUnit => ({
  code,
  name,
  level: 'COUNTY',
  parentCode: null,
  official: true,
  seed,
});

function assigned(
  parent: string,
  names: string[],
  level: RegionLevel,
  seed: RegionUnit['seed'],
  first = 1,
): RegionUnit[] {
  return names.map((name, i) => ({
    code: `${parent}${String((level === 'TOWNSHIP' ? 99 : 0) + first + i).padStart(3, '0')}`,
    name,
    level,
    parentCode: parent,
    official: false,
    seed,
  }));
}

const SHANDAN_TOWNSHIPS = [
  '清泉镇',
  '位奇镇',
  '霍城镇',
  '东乐镇',
  '陈户镇',
  '大马营镇',
  '李桥乡',
  '老军乡',
  '城市社区管理局',
  '山丹马场',
  '山丹农场',
];
const ZHUJI_VILLAGES = [
  '姜山村',
  '刘寨村',
  '潼山村',
  '红旗村',
  '双井村',
  '朱集村',
  '张家村',
  '星光村',
  '岳巷村',
  '双杨村',
  '苗河村',
  '固城村',
  '湖光村',
];

export const SEED_REGIONS: readonly RegionUnit[] = [
  county('620725', '山丹县', 'S23'),
  ...assigned('620725', SHANDAN_TOWNSHIPS, 'TOWNSHIP', 'S23'),
  county('411421', '民权县', 'MQ'),
  county('341323', '灵璧县', 'ZJ'),
  ...assigned('341323', ['朱集镇'], 'TOWNSHIP', 'ZJ'),
  ...assigned('341323100', ZHUJI_VILLAGES, 'VILLAGE', 'ZJ'),
];

const BY_CODE = new Map(SEED_REGIONS.map((r) => [r.code, r]));

export function regionByCode(code: string): RegionUnit | undefined {
  return BY_CODE.get(code);
}

/** The county (6-digit) code a township or village code belongs to. */
export function countyOf(code: string): string {
  return code.slice(0, 6);
}
