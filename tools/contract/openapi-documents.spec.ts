import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  OPENAPI_DIR,
  openApiProblems,
  REGENERATE_COMMAND,
  SERVICE_NAMES,
  serviceOpenApiJson,
} from './openapi-documents';

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

// The published contract (docs/openapi) is what the services serve at /docs-json today, and each
// document, built and committed, passes a real OpenAPI validator.
describe('OpenAPI documents', () => {
  const built = new Map<string, string>();
  beforeAll(async () => {
    for (const name of SERVICE_NAMES) built.set(name, await serviceOpenApiJson(name));
  }, 180_000);

  it('validate with @apidevtools/swagger-parser, as built and as committed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-openapi-test-'));
    const files = SERVICE_NAMES.flatMap((name) => {
      const fresh = path.join(dir, `${name}.json`);
      writeFileSync(fresh, built.get(name)!);
      return [fresh, path.join(OPENAPI_DIR, `${name}.json`)];
    });
    const problems = openApiProblems(files);
    expect(Object.keys(problems)).toHaveLength(10);
    expect(Object.entries(problems).filter(([, p]) => p.length > 0)).toEqual([]);
  });

  it.each(SERVICE_NAMES)('docs/openapi/%s.json is up to date', (name) => {
    const committed = readFileSync(path.join(OPENAPI_DIR, `${name}.json`), 'utf8');
    if (committed !== built.get(name))
      throw new Error(
        `docs/openapi/${name}.json is not what ${name} serves at /docs-json: run \`${REGENERATE_COMMAND}\` and commit docs/openapi`,
      );
  });

  it.each(SERVICE_NAMES)(
    '%s: every /v1 operation answers a missing key with 401 in the error shape',
    (name) => {
      const doc = JSON.parse(built.get(name)!) as Doc;
      expect(doc.components.schemas.ApiError).toBeDefined();
      const without = Object.entries(doc.paths)
        .filter(([route]) => route.startsWith('/v1/'))
        .flatMap(([route, item]) =>
          Object.entries(item)
            .filter(([, op]) => !op.responses['401'])
            .map(([method]) => `${method.toUpperCase()} ${route}`),
        );
      expect(without).toEqual([]);
    },
  );
});
