import { checkSource, compareWithBaseline, countByFileAndRule } from './architecture-rules';

describe('architecture rules', () => {
  it('finds SQL and query calls outside repositories, and transactions in controllers', () => {
    const source = `
      export class RosterController {
        approve() {
          return this.dataSource.transaction(async (m) => {
            await m.query(\`
              UPDATE subsidy.rosters SET status = 'APPROVED' WHERE id = $1\`, [id]);
          });
        }
      }`;
    const found = checkSource('apps/x/src/rosters/rosters.controller.ts', source);
    expect(found.map((v) => [v.rule, v.line])).toEqual([
      ['transaction-in-controller', 4],
      ['query-outside-repository', 5],
      ['sql-outside-repository', 5],
    ]);
  });

  it('leaves repositories alone and ignores SQL words in comments and messages', () => {
    const sql = 'export const q = () => m.query(`SELECT 1 FROM t`);';
    expect(checkSource('apps/x/src/a/a.repository.ts', sql)).toEqual([]);
    const prose = `// SELECT the rows, then UPDATE the sums
      throw new Error('select a roster first');
      const label = 'Delete from the list';`;
    expect(checkSource('apps/x/src/a/a.handler.ts', prose)).toEqual([]);
  });

  it('allows transactions in use-case handlers but not SQL', () => {
    const handler = `await this.dataSource.transaction((m) => this.repo.save(m, row));
      await m.query('DELETE FROM x WHERE id = $1', [1]);`;
    expect(checkSource('apps/x/src/a/save.handler.ts', handler).map((v) => v.rule)).toEqual([
      'query-outside-repository',
      'sql-outside-repository',
    ]);
  });

  it('fails only where a file has more places than the baseline, and reports what can shrink', () => {
    const found = countByFileAndRule([
      { file: 'a.ts', line: 1, rule: 'sql-outside-repository', text: '' },
      { file: 'a.ts', line: 2, rule: 'sql-outside-repository', text: '' },
      { file: 'b.ts', line: 1, rule: 'transaction-in-controller', text: '' },
    ]);
    const verdict = compareWithBaseline(found, {
      'a.ts|sql-outside-repository': 1,
      'c.ts|query-outside-repository': 2,
    });
    expect(verdict.worse).toEqual([
      { key: 'a.ts|sql-outside-repository', allowed: 1, found: 2 },
      { key: 'b.ts|transaction-in-controller', allowed: 0, found: 1 },
    ]);
    expect(verdict.better).toEqual([{ key: 'c.ts|query-outside-repository', allowed: 2, found: 0 }]);
  });
});
