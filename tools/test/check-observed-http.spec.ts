import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { check } = require('./check-observed-http') as { check(dir: string): void };

function observed(lines: object[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-observed-spec-'));
  writeFileSync(path.join(dir, '1.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return dir;
}

const feed = '/v1/feeds/0d3c2f3e-7c55-4f55-9a36-3b2b1c2d9e10';
const at = (o: object) => ({
  service: 'tax-collection-feed-service',
  test: 'e2e/system/test/x.e2e-spec.ts',
  ...o,
});

// Against the committed documents in docs/openapi.
describe('the check of observed statuses against docs/openapi', () => {
  it('passes when every observed (method, route, status) is documented', () => {
    const dir = observed([
      at({ method: 'GET', path: feed, status: 200 }),
      at({ method: 'GET', path: feed, status: 404 }),
      at({ method: 'POST', path: '/v1/feeds', status: 422 }),
      at({ method: 'GET', path: '/metrics', status: 200 }),
    ]);
    expect(() => check(dir)).not.toThrow();
  });

  it('fails naming the service, method, route template and status that are not documented', () => {
    const dir = observed([
      at({ method: 'GET', path: feed, status: 200 }),
      at({ method: 'GET', path: feed, status: 418 }),
      at({ method: 'DELETE', path: '/v1/feeds', status: 204 }),
      at({ method: 'GET', path: '/v1/nothing-here', status: 404 }),
    ]);
    expect(() => check(dir)).toThrow(
      /3 status\(es\)[\s\S]*tax-collection-feed-service: DELETE \/v1\/feeds -> 204[\s\S]*GET \/v1\/feeds\/\{id\} -> 418[\s\S]*GET \/v1\/nothing-here \(no such route\) -> 404[\s\S]*npm run contract:openapi/,
    );
  });
});
