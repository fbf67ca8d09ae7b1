// Validates OpenAPI documents with @apidevtools/swagger-parser (an ES module, so it runs here rather
// than inside jest): `node validate-openapi.mjs <file>...` prints `{ "<file>": ["problem", ...] }`.
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';

const problems = {};
for (const file of process.argv.slice(2)) {
  try {
    await SwaggerParser.validate(JSON.parse(readFileSync(file, 'utf8')));
    problems[file] = [];
  } catch (e) {
    problems[file] = [e.message];
  }
}
process.stdout.write(JSON.stringify(problems));
