import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { parse } from 'yaml';
import { RegionSeasonPolicy } from './policy.model';

export interface PolicyProblem {
  path: string;
  problem: string;
}

/** A policy file that cannot be used; names the file and every bad field. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PolicyProblem[],
  ) {
    super(`${file}: ${problems.map((p) => `${p.path}: ${p.problem}`).join('; ')}`);
    this.name = 'PolicyError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): PolicyProblem[] {
  return errors.flatMap((e) => {
    const here = /^\d+$/.test(e.property)
      ? `${prefix}[${e.property}]`
      : prefix
        ? `${prefix}.${e.property}`
        : e.property;
    const own = Object.values(e.constraints ?? {}).map((problem) => ({ path: here, problem }));
    return [...own, ...flatten(e.children ?? [], here)];
  });
}

/** Null values must be explained in the same section's `unstated`; explanations must match nulls. */
function checkUnstated(node: unknown, at: string, out: PolicyProblem[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => checkUnstated(v, `${at}[${i}]`, out));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const unstated = (obj.unstated ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    const p = at ? `${at}.${k}` : k;
    if (k === 'unstated' || k === 'assumed') continue;
    if (v === null && typeof unstated[k] !== 'string') {
      out.push({
        path: p,
        problem: 'is null but not explained in unstated (say why the seed does not give it)',
      });
    }
    checkUnstated(v, p, out);
  }
  for (const [k, why] of Object.entries((obj.assumed ?? {}) as Record<string, unknown>)) {
    if (typeof why !== 'string' || !(k in obj) || obj[k] === null) {
      out.push({
        path: `${at ? `${at}.` : ''}assumed.${k}`,
        problem: `marks ${k} assumed but ${k} has no value or no reason`,
      });
    }
  }
  for (const k of Object.keys(unstated)) {
    if (k in obj && obj[k] !== null && k !== 'window') {
      out.push({
        path: `${at ? `${at}.` : ''}unstated.${k}`,
        problem: `marks ${k} unstated but ${k} has a value`,
      });
    }
  }
}

function checkConsistency(p: RegionSeasonPolicy, out: PolicyProblem[]): void {
  if (p.id !== `${p.region.code}-${p.season}`)
    out.push({ path: 'id', problem: `must be ${p.region.code}-${p.season}` });
  const w = p.collectionWindow;
  if (w.from !== null && w.from > w.to) out.push({ path: 'collectionWindow', problem: 'from is after to' });
  if (p.benefitPeriod.from !== null && p.benefitPeriod.from > p.benefitPeriod.to) {
    out.push({ path: 'benefitPeriod', problem: 'from is after to' });
  }
  p.extendedWindows.forEach((e, i) => {
    if (e.to <= w.to)
      out.push({ path: `extendedWindows[${i}].to`, problem: 'must be after collectionWindow.to' });
  });
  const standard = p.contribution.individualFen;
  const seen = new Set<string>();
  p.subsidies.forEach((s, i) => {
    const at = `subsidies[${i}]`;
    for (const c of s.categories) {
      if (seen.has(c)) out.push({ path: `${at}.categories`, problem: `${c} appears in more than one rule` });
      seen.add(c);
    }
    const expectRoute: Record<string, string[]> = {
      FULL: ['PROXY_PAYMENT'],
      DIFFERENCE: ['REDUCED_CONTRIBUTION'],
      REIMBURSE: ['ONE_CARD', 'CIVIL_AFFAIRS_ACCOUNT', 'TOWNSHIP_GOVERNMENT'],
      NONE: ['NONE'],
    };
    if (!expectRoute[s.mode].includes(s.route)) {
      out.push({
        path: `${at}.route`,
        problem: `mode ${s.mode} pays by ${expectRoute[s.mode].join(' or ')}, not ${s.route}`,
      });
    }
    if (s.amountFen === null) return;
    if (s.amountFen > standard)
      out.push({ path: `${at}.amountFen`, problem: `exceeds the individual standard ${standard}` });
    if (s.mode === 'FULL' && s.amountFen !== standard)
      out.push({ path: `${at}.amountFen`, problem: `FULL must equal the standard ${standard}` });
    if (s.mode === 'DIFFERENCE' && (s.amountFen <= 0 || s.amountFen >= standard)) {
      out.push({
        path: `${at}.amountFen`,
        problem: 'DIFFERENCE must be between 0 and the standard, exclusive',
      });
    }
    if (s.mode === 'NONE' && s.amountFen !== 0)
      out.push({ path: `${at}.amountFen`, problem: 'NONE must be 0' });
  });
  const nb = p.newborn;
  const given = [nb.days, nb.months].filter((x) => x !== undefined).length;
  if (given > 1) out.push({ path: 'newborn', problem: 'give days or months, not both' });
  if (given === 0 && typeof nb.unstated?.window !== 'string') {
    out.push({ path: 'newborn', problem: 'give days or months, or explain unstated.window' });
  }
  for (let i = 1; i < p.supervision.milestones.length; i++) {
    if (p.supervision.milestones[i].by <= p.supervision.milestones[i - 1].by) {
      out.push({ path: `supervision.milestones[${i}].by`, problem: 'milestones must be in date order' });
    }
  }
}

/** Validates a parsed policy document; `file` names it in errors. */
export function parsePolicy(document: unknown, file: string): RegionSeasonPolicy {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new PolicyError(file, [{ path: '(file)', problem: 'must be a YAML mapping' }]);
  }
  const policy = plainToInstance(RegionSeasonPolicy, document);
  const errors = validateSync(policy, { whitelist: true, forbidNonWhitelisted: true });
  const problems = flatten(errors);
  if (problems.length > 0) throw new PolicyError(file, problems);
  checkUnstated(document, '', problems);
  checkConsistency(policy, problems);
  if (problems.length > 0) throw new PolicyError(file, problems);
  return policy;
}

export function loadPolicyFile(file: string): RegionSeasonPolicy {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PolicyError(file, [{ path: '(file)', problem: (e as Error).message.split('\n')[0] }]);
  }
  return parsePolicy(doc, file);
}

/** The policy files shipped with the library (one per region and season). */
export const BUNDLED_POLICY_DIR =
  [
    path.resolve(__dirname, '../policies'), // from the sources
    path.resolve(__dirname, '../../../../libs/policy/policies'), // from dist/libs/policy/src
  ].find((d) => existsSync(d)) ?? path.resolve(__dirname, '../policies');

/** Every `*.yaml` in a folder, by id; stops at the first bad file, naming it. */
export function loadPolicies(dir = BUNDLED_POLICY_DIR): Map<string, RegionSeasonPolicy> {
  const out = new Map<string, RegionSeasonPolicy>();
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const policy = loadPolicyFile(path.join(dir, name));
    if (name !== `${policy.id}.yaml`)
      throw new PolicyError(path.join(dir, name), [
        { path: 'id', problem: `file must be named ${policy.id}.yaml` },
      ]);
    out.set(policy.id, policy);
  }
  return out;
}
