import { appendFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every response an end-to-end test receives from a service it started is written down — service,
 * method, path, status — so that, after the run, tools/test/check-observed-http.js can fail it when a
 * status was observed that the service's OpenAPI document (docs/openapi) does not give for that route.
 * Installed for every e2e test file (jest setupFilesAfterEnv); services register their base URL when
 * spawned (spawnService). The statuses are those of real responses, as the tests saw them.
 */
type Registry = Map<string, string>;
const registry = (): Registry =>
  ((globalThis as { __urrbmiServiceOrigins?: Registry }).__urrbmiServiceOrigins ??= new Map());

/** A service's base URL (`http://127.0.0.1:<port>`), so that responses from it are recorded. */
export function observeService(url: string, service: string): void {
  registry().set(new URL(url).origin, service);
}

function record(input: string | URL | Request, init: RequestInit | undefined, status: number): void {
  const dir = process.env.URRBMI_HTTP_OBSERVED_DIR;
  if (!dir) return;
  const url = new URL(input instanceof Request ? input.url : String(input));
  const service = registry().get(url.origin);
  if (!service) return;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const line = JSON.stringify({
    service,
    method,
    path: url.pathname,
    status,
    test: expect.getState().testPath,
  });
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${line}\n`);
}

/** Wraps the global fetch once per test file; what the test sees is unchanged. */
export function installHttpObserver(): void {
  const g = globalThis as { fetch: typeof fetch; __urrbmiObservedFetch?: boolean };
  if (g.__urrbmiObservedFetch) return;
  g.__urrbmiObservedFetch = true;
  const original = g.fetch;
  g.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    let response: Response;
    try {
      response = await original(input, init);
    } catch (e) {
      if (!closedWhileIdle(e, init)) throw e;
      // A test that blocked the event loop for longer than the services' keep-alive (5 s:
      // generating a 200,000-row file, stopping a broker with execFileSync) hands undici a pooled
      // connection the service has closed meanwhile; undici learns so only when its timers run.
      // The request never reached the service: sent again, once, on a new connection.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      response = await original(input, init);
    }
    record(input, init, response.status);
    return response;
  };
}

/** A request that failed on a kept-alive connection the server had closed; its body can be sent again. */
function closedWhileIdle(e: unknown, init?: RequestInit): boolean {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const stale =
    cause?.code === 'EPIPE' ||
    cause?.code === 'ECONNRESET' ||
    (cause?.code === 'UND_ERR_SOCKET' && cause.message === 'other side closed');
  const body = init?.body;
  return (
    stale && (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)
  );
}
