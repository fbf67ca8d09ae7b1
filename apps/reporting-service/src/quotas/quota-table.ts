import { countyOf } from '@urrbmi/domain';

export type QuotaLevel = 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

/** One row of a task-breakdown table (任务分解表), checked. */
export interface QuotaRow {
  season: number;
  unitCode: string;
  unitName: string;
  parentCode: string | null;
  level: QuotaLevel;
  quota: number;
  population: number | null;
}

export interface RowProblem {
  line: number;
  problem: string;
}

/** A declared total (a parent's row, or the X-Declared-Total header) that disagrees with its rows. */
export interface TotalMismatch {
  unitCode: string;
  unitName: string;
  declared: number;
  rowsSum: number;
  difference: number;
}

export interface QuotaTable {
  season: number;
  regionCode: string;
  rows: QuotaRow[];
  /** Sum of the quotas of the units with no rows below them (the 合计 the rows give). */
  rowsTotal: number;
  mismatches: TotalMismatch[];
}

const LEVEL_BY_LENGTH: Record<number, QuotaLevel> = { 6: 'COUNTY', 9: 'TOWNSHIP', 12: 'VILLAGE' };
const INT = /^\d{1,9}$/;

/** Reads one CSV/XLSX row (`season,unit_code,unit_name,parent_code,quota,population`). */
export function parseQuotaRow(line: number, v: Record<string, string>): QuotaRow | RowProblem {
  const unitCode = (v.unit_code ?? '').trim();
  const level = /^\d+$/.test(unitCode) ? LEVEL_BY_LENGTH[unitCode.length] : undefined;
  if (!INT.test(v.season ?? '')) return { line, problem: 'season must be a year' };
  if (!level) return { line, problem: `unit_code "${unitCode}" must be a 6, 9 or 12-digit division code` };
  const unitName = (v.unit_name ?? '').trim();
  if (!unitName) return { line, problem: 'unit_name is empty' };
  const parentCode = (v.parent_code ?? '').trim() || null;
  if (level !== 'COUNTY' && parentCode === null) return { line, problem: 'parent_code is empty' };
  if (parentCode !== null && !(unitCode.startsWith(parentCode) && parentCode.length < unitCode.length))
    return { line, problem: `parent_code ${parentCode} is not above ${unitCode}` };
  if (!INT.test((v.quota ?? '').trim())) return { line, problem: 'quota must be a whole number of people' };
  const pop = (v.population ?? '').trim();
  if (pop !== '' && !INT.test(pop)) return { line, problem: 'population must be a whole number or empty' };
  return {
    season: Number(v.season),
    unitCode,
    unitName,
    parentCode,
    level,
    quota: Number(v.quota.trim()),
    population: pop === '' ? null : Number(pop),
  };
}

export function isRowProblem(r: QuotaRow | RowProblem): r is RowProblem {
  return 'problem' in r;
}

/**
 * Checks a whole table: one season, one county, no unit twice. Every row that has rows below it in
 * the same file is a declared total for them; a `declaredTotal` (the notice's 合计) is compared with
 * the sum of the units with no rows below them. Disagreements are reported, never corrected: the rows are the plan.
 */
export function checkQuotaTable(
  rows: QuotaRow[],
  declaredTotal?: number,
): { table?: QuotaTable; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  if (rows.length === 0) return { problems: [{ line: 1, problem: 'the table has no rows' }] };
  const seasons = new Set(rows.map((r) => r.season));
  const regions = new Set(rows.map((r) => countyOf(r.unitCode)));
  if (seasons.size > 1)
    problems.push({ line: 1, problem: `one season per table (found ${[...seasons].join(', ')})` });
  if (regions.size > 1)
    problems.push({ line: 1, problem: `one county per table (found ${[...regions].join(', ')})` });
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (seen.has(r.unitCode)) problems.push({ line: i + 2, problem: `unit ${r.unitCode} appears twice` });
    seen.add(r.unitCode);
  });
  if (problems.length > 0) return { problems };

  const mismatches: TotalMismatch[] = [];
  for (const parent of rows) {
    const children = rows.filter((r) => r.parentCode === parent.unitCode);
    if (children.length === 0) continue;
    const sum = children.reduce((s, c) => s + c.quota, 0);
    if (sum !== parent.quota)
      mismatches.push({
        unitCode: parent.unitCode,
        unitName: parent.unitName,
        declared: parent.quota,
        rowsSum: sum,
        difference: sum - parent.quota,
      });
  }
  // What the rows add up to: the units with nothing below them (a village, or a township given whole).
  const parents = new Set(rows.map((r) => r.parentCode));
  const rowsTotal = rows.filter((r) => !parents.has(r.unitCode)).reduce((s, r) => s + r.quota, 0);
  if (declaredTotal !== undefined && declaredTotal !== rowsTotal)
    mismatches.push({
      unitCode: 'X-Declared-Total',
      unitName: '合计',
      declared: declaredTotal,
      rowsSum: rowsTotal,
      difference: rowsTotal - declaredTotal,
    });
  return {
    table: { season: rows[0].season, regionCode: countyOf(rows[0].unitCode), rows, rowsTotal, mismatches },
    problems: [],
  };
}
