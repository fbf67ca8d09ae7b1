// Generates the TypeScript types of the typed HTTP client from the committed OpenAPI documents
// (docs/openapi/<service>.json) into libs/contracts/src/openapi/generated/ (not committed): run by
// tools/lib/install.sh before anything type-checks, and by `npm run contract:openapi`.
// Plain Node (openapi-typescript is an ES module); `--if-stale` skips files already newer than their document.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const docs = path.join(root, 'docs/openapi');
const out = path.join(root, 'libs/contracts/src/openapi/generated');
const ifStale = process.argv.includes('--if-stale');

mkdirSync(out, { recursive: true });
let written = 0;
for (const file of readdirSync(docs)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const source = path.join(docs, file);
  const target = path.join(out, file.replace(/\.json$/, '.ts'));
  try {
    if (ifStale && statSync(target).mtimeMs >= statSync(source).mtimeMs) continue;
  } catch {
    // not generated yet
  }
  const ast = await openapiTS(JSON.parse(readFileSync(source, 'utf8')));
  const header = `// Generated from docs/openapi/${file} by tools/contract/generate-openapi-types.mjs; do not edit.\n`;
  writeFileSync(target, header + astToString(ast));
  written++;
}
if (written > 0)
  console.error(`[openapi] ${written} client type file(s) written to ${path.relative(root, out)}`);
