import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument, ServiceDefinition } from '@urrbmi/platform';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** Where the published contract lives: one OpenAPI document per service, committed. */
export const OPENAPI_DIR = path.join(REPO_ROOT, 'docs/openapi');
export const SERVICE_NAMES = [
  'enrollment-service',
  'subsidy-service',
  'tax-collection-feed-service',
  'refund-service',
  'reporting-service',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
/** The one command that rewrites docs/openapi and the typed client; named in every drift message. */
export const REGENERATE_COMMAND = 'npm run contract:openapi';

/**
 * A service's definition, loaded from its sources by path (as `npm start` runs its main by path):
 * tools depend on no app, and the definition is the only file that names a service's modules.
 */
export function loadServiceDefinition(name: ServiceName): ServiceDefinition {
  const dir = path.join(REPO_ROOT, 'apps', name, 'src');
  const file = readdirSync(dir).find((f) => f.endsWith('.definition.ts'));
  if (!file) throw new Error(`apps/${name}/src has no *.definition.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path.join(dir, file)) as Record<string, unknown>;
  const def = Object.values(exported).find((v) => (v as ServiceDefinition | undefined)?.name === name);
  if (!def) throw new Error(`apps/${name}/src/${file} exports no ServiceDefinition named ${name}`);
  return def as ServiceDefinition;
}

/** The document `/docs-json` of the service serves, made in process (no database, Kafka or port). */
export async function serviceOpenApiJson(name: ServiceName): Promise<string> {
  const doc = await buildOpenApiDocument(loadServiceDefinition(name));
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** What a real OpenAPI validator (@apidevtools/swagger-parser) finds in each file: [] when valid. */
export function openApiProblems(files: readonly string[]): Record<string, string[]> {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-openapi.mjs'), ...files], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, string[]>;
}
