// `npm run contract:openapi`: writes each service's OpenAPI document to docs/openapi/<service>.json
// (made in process from the service's definition: no database, Kafka or port), validated with
// @apidevtools/swagger-parser first, then regenerates the typed client's types from them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  OPENAPI_DIR,
  openApiProblems,
  REPO_ROOT,
  SERVICE_NAMES,
  serviceOpenApiJson,
} from './openapi-documents';

async function main(): Promise<void> {
  const staging = mkdtempSync(path.join(tmpdir(), 'urrbmi-openapi-'));
  const files: string[] = [];
  for (const name of SERVICE_NAMES) {
    const file = path.join(staging, `${name}.json`);
    writeFileSync(file, await serviceOpenApiJson(name));
    files.push(file);
  }
  const problems = Object.entries(openApiProblems(files)).filter(([, p]) => p.length > 0);
  for (const [file, p] of problems)
    console.error(`${path.basename(file)} does not validate:\n  ${p.join('\n  ')}`);
  if (problems.length > 0) process.exit(1);
  mkdirSync(OPENAPI_DIR, { recursive: true });
  for (const file of files) {
    const target = path.join(OPENAPI_DIR, path.basename(file));
    renameSync(file, target);
    console.log(`${path.relative(REPO_ROOT, target)} written`);
  }
  execFileSync(process.execPath, [path.join(__dirname, 'generate-openapi-types.mjs')], { stdio: 'inherit' });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
