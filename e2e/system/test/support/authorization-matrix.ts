/**
 * Who may call what: every HTTP route of the five services and the roles admitted to it. This is
 * the expectations table of `authorization-matrix.e2e-spec.ts`, which enumerates the routes of the
 * running services (their OpenAPI documents, made from Nest's route metadata) and fails on a route
 * missing here, and the source of the table in README.md (`npm run -s authz:table` prints it).
 *
 * A new route: add `'<METHOD> <path as in /docs-json>': [roles]` to its service below. `township`
 * means any `township:<code>` key, which then sees and acts on its own area only.
 */
import { BASE_ROLES, BaseRole } from '@urrbmi/platform';

export const MATRIX_ROLES = BASE_ROLES;
export type MatrixRole = BaseRole;

/** `public`: no key needed. Otherwise the roles admitted; every other role gets 403, no key 401. */
export type Access = 'public' | readonly MatrixRole[];

const ALL: readonly MatrixRole[] = MATRIX_ROLES;
const HEALTH = { 'GET /health/live': 'public', 'GET /health/ready': 'public' } as const;
/** The read audit of every service: who read which person (the auditor is the bureau). */
const AUDIT = { 'GET /v1/audit/person-reads': ['mib'] } as const;

export const ROUTE_ACCESS: Record<string, Record<string, Access>> = {
  'enrollment-service': {
    ...HEALTH,
    'GET /v1/templates/{kind}': ALL,
    'POST /v1/enrollments': ['mib', 'township'],
    'POST /v1/enrollments/batch': ['mib', 'township'],
    'GET /v1/enrollments/batch/{id}': ['mib', 'township', 'ops'],
    'GET /v1/enrollments/batch/{id}/rejects': ['mib', 'township'],
    'GET /v1/enrollments/batch': ['mib', 'township'],
    'POST /v1/enrollments/batch/{id}/confirm': ['mib', 'township'],
    'POST /v1/enrollments/batch/{id}/reject': ['mib', 'township'],
    'POST /v1/enrollments/{id}/cancel': ['mib', 'township'],
    'GET /v1/persons/{idNumber}/seasons/{season}': ['mib', 'township'],
    'POST /v1/employee-insured': ['mib'],
    'GET /v1/employee-insured': ['mib'],
    'GET /v1/employee-insured/{id}': ['mib'],
    'POST /v1/employee-insured/{id}/confirm': ['mib'],
    'POST /v1/employee-insured/{id}/reject': ['mib'],
    'GET /v1/enrollments/cancellations': ['mib', 'township'],
    'GET /v1/enrollments/cancellations/{cancellationId}': ['mib', 'township'],
    'POST /v1/enrollments/cancellations/{cancellationId}/confirm': ['mib', 'township'],
    'POST /v1/enrollments/cancellations/{cancellationId}/reject': ['mib', 'township'],
    ...AUDIT,
  },
  'subsidy-service': {
    ...HEALTH,
    'GET /v1/templates/{kind}': ALL,
    'POST /v1/rosters': ['civil-affairs', 'rural-revitalization', 'mib'],
    'GET /v1/rosters/{id}': ['civil-affairs', 'rural-revitalization', 'mib'],
    'POST /v1/rosters/{id}/approve': ['civil-affairs', 'rural-revitalization', 'mib'],
    'POST /v1/rosters/{id}/reject': ['civil-affairs', 'rural-revitalization', 'mib'],
    'GET /v1/assessments/{idNumber}/{season}': ['mib', 'civil-affairs', 'rural-revitalization'],
    'GET /v1/proxy-payments': ['mib', 'civil-affairs', 'finance'],
    'POST /v1/match-runs': ['mib'],
    'GET /v1/transfers': ['mib', 'finance', 'civil-affairs'],
    'POST /v1/transfers/settlements': ['mib', 'finance'],
    'GET /v1/transfers/settlements': ['mib', 'finance'],
    'GET /v1/transfers/settlements/{id}': ['mib', 'finance'],
    'POST /v1/transfers/settlements/{id}/confirm': ['mib', 'finance'],
    'POST /v1/transfers/settlements/{id}/reject': ['mib', 'finance'],
    ...AUDIT,
  },
  'tax-collection-feed-service': {
    ...HEALTH,
    'GET /v1/templates/{kind}': ALL,
    'POST /v1/feeds': ['tax'],
    'GET /v1/feeds/{id}': ['tax', 'mib', 'ops'],
    'GET /v1/feeds/{id}/rejects': ['tax', 'mib'],
    'GET /v1/reconciliation': ['tax', 'mib', 'finance', 'ops'],
    'GET /v1/collection-roster': ['tax', 'mib'],
    ...AUDIT,
  },
  'refund-service': {
    ...HEALTH,
    'GET /v1/templates/{kind}': ALL,
    'POST /v1/refunds': ['tax'],
    'POST /v1/refunds/batch': ['tax'],
    'GET /v1/refunds': ['mib', 'tax', 'finance', 'township'],
    'GET /v1/refunds/{id}': ['mib', 'tax', 'finance', 'township'],
    'GET /v1/refund-candidates': ['tax', 'mib'],
    'POST /v1/refunds/{id}/review': ['mib'],
    'POST /v1/refunds/{id}/withdraw': ['mib'],
    'POST /v1/refunds/{id}/payout': ['mib'],
    'POST /v1/refund-plans': ['mib'],
    'GET /v1/refund-plans/{id}': ['mib', 'finance'],
    'GET /v1/refund-plans/{id}/export': ['mib', 'finance'],
    'POST /v1/refund-plans/{id}/funding': ['finance'],
    ...AUDIT,
  },
  'reporting-service': {
    ...HEALTH,
    'GET /v1/templates/{kind}': ALL,
    'POST /v1/quotas': ['mib'],
    'GET /v1/quotas': ['mib', 'ops', 'township'],
    'GET /v1/progress': ['mib', 'ops', 'township'],
    'GET /v1/rankings/weekly': ['mib', 'ops', 'township'],
    'GET /v1/rankings/weekly/export': ['mib', 'ops', 'township'],
    'GET /v1/rankings/milestones': ['mib', 'ops', 'township'],
    'GET /v1/alerts': ['mib', 'ops', 'township'],
    'POST /v1/alerts/check': ['ops', 'mib'],
    'GET /v1/collections/daily': ['mib', 'ops', 'tax', 'finance', 'township'],
    'GET /v1/subsidies': ['mib', 'ops', 'finance', 'civil-affairs', 'rural-revitalization'],
    'GET /v1/unpaid': ['mib', 'township'],
    'GET /v1/unpaid/export': ['mib', 'township'],
    'GET /v1/hardship': ['mib', 'township', 'civil-affairs', 'rural-revitalization'],
    'GET /v1/hardship/export': ['mib', 'township', 'civil-affairs', 'rural-revitalization'],
    'POST /v1/hardship/reasons': ['mib', 'township'],
    'GET /v1/ops/queues': ['ops'],
    'GET /v1/pages/bulletin': ['mib', 'ops', 'township'],
    'GET /v1/pages/ops': ['ops'],
    ...AUDIT,
  },
};

/** Whether a role may call a route by its access. */
export function admits(access: Access, role: MatrixRole): boolean {
  return access === 'public' || access.includes(role);
}

const SERVICE_SHORT: Record<string, string> = {
  'enrollment-service': 'enrollment',
  'subsidy-service': 'subsidy',
  'tax-collection-feed-service': 'tax feed',
  'refund-service': 'refund',
  'reporting-service': 'reporting',
};

/** The role × route table of README.md ("Who may call what"), formatted as prettier leaves it. */
export function renderAuthorizationTable(): string {
  const header = ['service', 'route', ...MATRIX_ROLES.map((r) => `\`${r}\``)];
  const rows = Object.entries(ROUTE_ACCESS).flatMap(([service, routes]) =>
    Object.entries(routes)
      .filter(([, access]) => access !== 'public')
      .map(([route, access]) => [
        SERVICE_SHORT[service] ?? service,
        `\`${route}\``,
        ...MATRIX_ROLES.map((r) => (admits(access, r) ? (r === 'township' ? 'own area' : 'yes') : '')),
      ]),
  );
  // Padded as prettier pads a markdown table (every cell is ASCII), so README.md stays formatted.
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export const README_TABLE_START = '<!-- authorization-matrix:start (npm run -s authz:table) -->';
export const README_TABLE_END = '<!-- authorization-matrix:end -->';

if (require.main === module) {
  process.stdout.write(`${README_TABLE_START}\n\n${renderAuthorizationTable()}\n${README_TABLE_END}\n`);
}
