import { shandanId } from './support/resident-ids';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS } from './support/services';

// The HTTP edge every service shares (libs/platform): headers, body limits, upload limits per key
// holder, refused keys counted and logged, one log line per request with the route template only.
describe('HTTP edge: security headers, body limits, upload rate per holder, request and auth logs', () => {
  let under: ServiceUnderTest;
  const url = () => under.svc.url;

  beforeAll(async () => {
    under = await startServiceUnderTest('enrollment-service', 21000, 'httpedge', {
      LOG_LEVEL: 'info',
      JSON_BODY_MAX_BYTES: '65536',
      UPLOAD_RATE_LIMIT_PER_MINUTE: '3',
    });
  });

  afterAll(async () => {
    await under?.stop();
  });

  it('sends security headers and no framework banner', async () => {
    const r = await fetch(`${url()}/health/live`);
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('refuses a JSON body over the limit with 413 and unparsable JSON with 400, in the error shape', async () => {
    const big = await fetch(`${url()}/v1/enrollments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.mib.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'request body larger than 65536 bytes',
      details: { code: 'ENTITY_TOO_LARGE' },
    });
    const broken = await fetch(`${url()}/v1/enrollments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.mib.key}`, 'content-type': 'application/json' },
      body: '{"idNumber": ',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Unexpected end of JSON input',
    });
    const { rows } = await under.db.query('SELECT count(*)::int AS n FROM enrollment.enrollments');
    expect(rows[0].n).toBe(0);
  });

  it('limits uploads per key holder, not JSON calls, and not other holders', async () => {
    const upload = (key: string) =>
      fetch(`${url()}/v1/enrollments/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
        body: 'not a csv',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await upload(TEST_KEYS.mib.key)).status);
    expect(statuses).toEqual([415, 415, 415, 429]);
    const limited = await upload(TEST_KEYS.mib.key);
    // The standard header, so a client can wait out the window instead of guessing.
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({
      statusCode: 429,
      message: 'too many uploads from this key holder; wait a minute and send again',
    });
    expect((await upload(TEST_KEYS.township.key)).status).toBe(415);
    // JSON commands of the limited holder still go through.
    const person = await api(
      url(),
      'GET',
      `/v1/persons/${shandanId(1, '19800101')}/seasons/2023`,
      TEST_KEYS.mib.key,
    );
    expect(person.status).toBe(404);
  });

  it('counts and logs refused keys, and logs each request by route template without the ID number', async () => {
    const id = shandanId(2, '19800101');
    expect((await api(url(), 'GET', `/v1/persons/${id}/seasons/2023`)).status).toBe(401);
    expect((await api(url(), 'GET', `/v1/persons/${id}/seasons/2023`, 'no-such-key')).status).toBe(401);
    expect((await api(url(), 'GET', `/v1/persons/${id}/seasons/2023`, TEST_KEYS.mib.key)).status).toBe(404);

    const metrics = await (await fetch(`${url()}/metrics`)).text();
    expect(metrics).toMatch(
      /http_auth_failures_total\{reason="missing_key",service="enrollment-service"\} 1/,
    );
    expect(metrics).toMatch(
      /http_auth_failures_total\{reason="unknown_key",service="enrollment-service"\} 1/,
    );
    expect(metrics).toContain('route="/v1/persons/:idNumber/seasons/:season"');
    expect(metrics).not.toContain(id);

    const lines = () =>
      under.svc
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLine = (status: number) =>
      lines().find(
        (l) =>
          l.message === 'http request' &&
          l.route === '/v1/persons/:idNumber/seasons/:season' &&
          l.status === status,
      );
    // The log is written asynchronously: wait for the line rather than sleeping a guess.
    for (let i = 0; i < 50 && !requestLine(404); i++) await new Promise((r) => setTimeout(r, 100));
    expect(requestLine(404)).toMatchObject({ method: 'GET', holder: TEST_KEYS.mib.holder });
    expect(requestLine(401)).toMatchObject({ holder: null });
    expect(
      lines()
        .filter((l) => l.message === 'authentication failed')
        .map((l) => l.reason),
    ).toEqual(['missing_key', 'unknown_key']);
    expect(under.svc.output()).not.toContain(id);
  });
});
