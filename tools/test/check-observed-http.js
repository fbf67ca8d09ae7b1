// globalTeardown of the e2e project: runs the shared teardown, then compares every response the
// end-to-end tests observed (e2e/system/test/support/observed-http.ts) with the OpenAPI documents in
// docs/openapi, and fails the run, listing them, when a (method, route, status) is not documented.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const sharedTeardown = require('./global-teardown');

const root = path.resolve(__dirname, '../..');
const REGENERATE = 'npm run contract:openapi';
// Served by the platform but not part of the business contract.
const UNDOCUMENTED_ROUTES = [/^\/metrics$/, /^\/docs(-json)?(\/.*)?$/];

/** Route templates of a document, most literal first, as matchers of a raw path. */
function routesOf(doc) {
  return Object.keys(doc.paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
      ),
    }))
    .sort((a, b) => a.params - b.params || a.template.localeCompare(b.template));
}

/** The observed (service, method, route, status) the documents do not give, with a test that saw each. */
function undocumented(observations, docs) {
  const missing = new Map();
  for (const o of observations) {
    if (UNDOCUMENTED_ROUTES.some((r) => r.test(o.path))) continue;
    const doc = docs.get(o.service);
    const route = doc?.routes.find((r) => r.pattern.test(o.path));
    const op = route && doc.json.paths[route.template][o.method.toLowerCase()];
    if (op && op.responses[String(o.status)]) continue;
    const what = `${o.service}: ${o.method} ${route ? route.template : `${o.path} (no such route)`} -> ${o.status}`;
    if (!missing.has(what)) missing.set(what, path.relative(root, o.test ?? ''));
  }
  return missing;
}

function check(dir = process.env.URRBMI_HTTP_OBSERVED_DIR) {
  if (!dir || !existsSync(dir)) return;
  const observations = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
  if (observations.length === 0) return;
  const docs = new Map();
  for (const service of new Set(observations.map((o) => o.service))) {
    const file = path.join(root, 'docs/openapi', `${service}.json`);
    const json = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { paths: {} };
    docs.set(service, { json, routes: routesOf(json) });
  }
  const missing = undocumented(observations, docs);
  const operations = new Set(observations.map((o) => `${o.service} ${o.method} ${o.path}`)).size;
  if (missing.size === 0) {
    console.log(
      `[openapi] ${observations.length} observed responses (${operations} distinct requests): every status is documented`,
    );
    return;
  }
  const lines = [...missing].map(([what, test]) => `  ${what}   (seen in ${test})`).sort();
  throw new Error(
    `end-to-end tests observed ${missing.size} status(es) that docs/openapi does not document:\n${lines.join('\n')}\n` +
      `Document them on the route (@ApiErrors / @ApiResponse in the controller), then run \`${REGENERATE}\` and commit docs/openapi.`,
  );
}

module.exports = async () => {
  await sharedTeardown();
  check();
};
module.exports.check = check;
