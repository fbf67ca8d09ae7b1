import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The shape every service keeps (README, "Where code goes"): SQL lives only in `*.repository.ts` and
 * migrations; controllers (HTTP and Kafka `@EventPattern` classes alike) neither run SQL nor open
 * transactions — a use case does, through a repository. Checked by reading the syntax tree, so a
 * keyword in a comment does not count and a statement split over a template does; SQL keywords are
 * written in capitals in this codebase, which is what tells a statement from an error message.
 */
export type RuleId = 'sql-outside-repository' | 'query-outside-repository' | 'transaction-in-controller';

export interface Violation {
  file: string;
  line: number;
  rule: RuleId;
  text: string;
}

const SQL_START =
  /^\s*(SELECT|INSERT\s+INTO|UPDATE\s+[\w."]+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS|CREATE\s|ALTER\s|DROP\s|TRUNCATE\s|COPY\s|LOCK\s+TABLE)\b/;
const TRANSACTION_CALLS = new Set(['transaction', 'inTransaction', 'createQueryRunner', 'startTransaction']);

export function isRepository(file: string): boolean {
  return /\.repository\.ts$/.test(file);
}

export function isController(file: string): boolean {
  return /\.controller\.ts$/.test(file);
}

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text;
  return undefined;
}

function calledName(node: ts.CallExpression): string | undefined {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Every violation in one source file (its path decides which rules apply). */
export function checkSource(file: string, source: string): Violation[] {
  if (isRepository(file)) return [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const out: Violation[] = [];
  const at = (node: ts.Node, rule: RuleId, text: string) =>
    out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, rule, text });
  const visit = (node: ts.Node): void => {
    const text = literalText(node);
    if (text !== undefined && SQL_START.test(text)) {
      at(node, 'sql-outside-repository', text.trim().split('\n')[0].slice(0, 80));
    }
    if (ts.isCallExpression(node)) {
      const name = calledName(node);
      if (name === 'query')
        at(node, 'query-outside-repository', node.getText(sf).split('\n')[0].slice(0, 80));
      if (name && TRANSACTION_CALLS.has(name) && isController(file)) {
        at(node, 'transaction-in-controller', node.getText(sf).split('\n')[0].slice(0, 80));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

export function checkFile(file: string): Violation[] {
  return checkSource(file, readFileSync(file, 'utf8'));
}

/** Counts per `file|rule`, the unit of the baseline. */
export function countByFileAndRule(violations: Violation[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of violations) counts[`${v.file}|${v.rule}`] = (counts[`${v.file}|${v.rule}`] ?? 0) + 1;
  return counts;
}

export interface Verdict {
  /** Places where a file has more violations of a rule than the baseline allows. */
  worse: { key: string; allowed: number; found: number }[];
  /** Baseline entries that can be lowered (the code got better). */
  better: { key: string; allowed: number; found: number }[];
}

export function compareWithBaseline(
  found: Record<string, number>,
  baseline: Record<string, number>,
): Verdict {
  const worse: Verdict['worse'] = [];
  const better: Verdict['better'] = [];
  for (const [key, n] of Object.entries(found)) {
    const allowed = baseline[key] ?? 0;
    if (n > allowed) worse.push({ key, allowed, found: n });
  }
  for (const [key, allowed] of Object.entries(baseline)) {
    const n = found[key] ?? 0;
    if (n < allowed) better.push({ key, allowed, found: n });
  }
  return { worse, better };
}
