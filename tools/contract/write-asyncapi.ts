// `npm run contract:asyncapi [-- --out FILE]`: writes the event contract as an AsyncAPI 3.0 document
// (default dist/contract/asyncapi.json), validated with @asyncapi/parser before it is written.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { contractCatalog } from '@urrbmi/contracts';
import { buildAsyncApiDocument } from '@urrbmi/contracts/asyncapi';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--out');
  const out = path.resolve(at > 0 ? process.argv[at + 1] : 'dist/contract/asyncapi.json');
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
  const doc = buildAsyncApiDocument(contractCatalog(), { version: pkg.version });
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
  const errors = diagnostics.filter((d) => d.severity === 0);
  if (errors.length > 0) {
    for (const e of errors) console.error(`${e.path.join('.')}: ${e.message}`);
    process.exit(1);
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`AsyncAPI document written to ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
