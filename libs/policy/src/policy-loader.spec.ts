import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { BUNDLED_POLICY_DIR, loadPolicies, loadPolicyFile, parsePolicy, PolicyError } from './policy-loader';

function seedDoc(): Record<string, unknown> {
  return parse(readFileSync(path.join(BUNDLED_POLICY_DIR, '620725-2023.yaml'), 'utf8'));
}

function problemsOf(doc: unknown): string[] {
  try {
    parsePolicy(doc, 'x.yaml');
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as PolicyError).problems.map((p) => `${p.path}: ${p.problem}`);
  }
}

describe('policy files', () => {
  it('loads the four seed policies', () => {
    expect([...loadPolicies().keys()]).toEqual(['341323-2023', '411421-2023', '620725-2021', '620725-2023']);
  });

  it('refuses a malformed file naming the field', () => {
    const doc = seedDoc();
    (doc.subsidies as Record<string, unknown>[])[1].amountFen = '310';
    expect(problemsOf(doc)).toEqual([
      'subsidies[1].amountFen: amountFen must be an integer number',
      'subsidies[1].amountFen: amountFen must not be less than 0',
    ]);

    const missing = seedDoc();
    delete (missing.contribution as Record<string, unknown>).individualFen;
    expect(problemsOf(missing)).toContain(
      'contribution.individualFen: individualFen must be an integer number',
    );

    const unknown = seedDoc();
    (unknown.collectionWindow as Record<string, unknown>).until = '2023-12-31';
    expect(problemsOf(unknown)).toEqual(['collectionWindow.until: property until should not exist']);

    const badDate = seedDoc();
    (badDate.benefitPeriod as Record<string, unknown>).to = '2024-12-32x';
    expect(problemsOf(badDate)).toEqual(['benefitPeriod.to: to must be a date YYYY-MM-DD']);
  });

  it('refuses a null nobody explained, and a value that breaks the rules of its mode', () => {
    const doc = seedDoc();
    (doc.contribution as Record<string, unknown>).unstated = {};
    expect(problemsOf(doc)).toEqual([
      'contribution.fiscalSubsidyFen: is null but not explained in unstated (say why the seed does not give it)',
    ]);

    const full = seedDoc();
    (full.subsidies as Record<string, unknown>[])[0].amountFen = 37000;
    expect(problemsOf(full)).toEqual(['subsidies[0].amountFen: FULL must equal the standard 38000']);

    const route = seedDoc();
    (route.subsidies as Record<string, unknown>[])[2].route = 'ONE_CARD';
    expect(problemsOf(route)).toEqual([
      'subsidies[2].route: mode DIFFERENCE pays by REDUCED_CONTRIBUTION, not ONE_CARD',
    ]);

    const twice = seedDoc();
    (twice.subsidies as Record<string, unknown>[])[3].categories = ['MINIMUM_LIVING_EDGE', 'ORPHAN'];
    expect(problemsOf(twice)).toEqual(['subsidies[3].categories: ORPHAN appears in more than one rule']);
  });

  it('names the file, and insists the file name matches the id', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-'));
    const doc = seedDoc();
    writeFileSync(path.join(dir, '620725-2024.yaml'), stringify(doc));
    expect(() => loadPolicies(dir)).toThrow(
      `${path.join(dir, '620725-2024.yaml')}: id: file must be named 620725-2023.yaml`,
    );
    writeFileSync(path.join(dir, 'broken.yaml'), 'id: [unclosed');
    expect(() => loadPolicyFile(path.join(dir, 'broken.yaml'))).toThrow(PolicyError);
  });
});
