import { checkQuotaTable, isRowProblem, parseQuotaRow, QuotaRow } from './quota-table';

const row = (unit_code: string, quota: number, parent_code = '', unit_name = 'x') =>
  parseQuotaRow(2, {
    season: '2023',
    unit_code,
    unit_name,
    parent_code,
    quota: String(quota),
    population: '',
  }) as QuotaRow;

describe('quota tables (任务分解表)', () => {
  it('reports a parent row that disagrees with its children (Zhuji: 41,850 declared, 41,851 in the rows)', () => {
    const villages = [1981, 4146, 2456, 3307, 4571, 4723, 2262, 4706, 2468, 2841, 2841, 1905, 3644].map(
      (q, i) => row(`341323100${String(i + 1).padStart(3, '0')}`, q, '341323100'),
    );
    const { table, problems } = checkQuotaTable([row('341323100', 41850, '341323', '朱集镇'), ...villages]);
    expect(problems).toEqual([]);
    expect(table).toMatchObject({
      season: 2023,
      regionCode: '341323',
      rowsTotal: 41851,
      mismatches: [
        { unitCode: '341323100', unitName: '朱集镇', declared: 41850, rowsSum: 41851, difference: 1 },
      ],
    });
  });

  it('checks a declared total given apart from the rows', () => {
    const rows = [row('620725100', 28468, '620725'), row('620725101', 21233, '620725')];
    expect(checkQuotaTable(rows, 49701).table?.mismatches).toEqual([]);
    expect(checkQuotaTable(rows, 49700).table?.mismatches).toEqual([
      { unitCode: 'X-Declared-Total', unitName: '合计', declared: 49700, rowsSum: 49701, difference: 1 },
    ]);
  });

  it('refuses rows it cannot read, naming the line', () => {
    const bad = (v: Record<string, string>) =>
      parseQuotaRow(7, {
        season: '2023',
        unit_code: '620725100',
        unit_name: 'a',
        parent_code: '620725',
        quota: '1',
        ...v,
      });
    expect(bad({ quota: '-1' })).toEqual({ line: 7, problem: 'quota must be a whole number of people' });
    expect(bad({ unit_code: '62072' })).toEqual({
      line: 7,
      problem: 'unit_code "62072" must be a 6, 9 or 12-digit division code',
    });
    expect(bad({ parent_code: '411421' })).toEqual({
      line: 7,
      problem: 'parent_code 411421 is not above 620725100',
    });
    expect(bad({ parent_code: '' })).toEqual({ line: 7, problem: 'parent_code is empty' });
    expect(isRowProblem(bad({}))).toBe(false);
  });

  it('refuses a table of two counties or with a unit twice', () => {
    expect(checkQuotaTable([row('620725100', 1, '620725'), row('411421100', 1, '411421')]).problems).toEqual([
      { line: 1, problem: 'one county per table (found 620725, 411421)' },
    ]);
    expect(checkQuotaTable([row('620725100', 1, '620725'), row('620725100', 2, '620725')]).problems).toEqual([
      { line: 3, problem: 'unit 620725100 appears twice' },
    ]);
  });
});
