import { setTimeout as sleep } from 'node:timers/promises';
import { HttpServiceName, ServiceClient, serviceClient } from '@urrbmi/contracts/openapi';

/** How the command ended, as a cron job reads it (README, "Command-line client"). */
export const ExitCode = {
  Done: 0,
  Failed: 1,
  Refused: 2,
  AcceptedWithRejects: 3,
  Unreachable: 4,
  TimedOut: 5,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  /**
   * Attempts for a request that failed on the way (network, 5xx, or 429 without `Retry-After`); the
   * same bytes are idempotent. A 429 with `Retry-After` is waited out instead (up to 10 times).
   */
  attempts?: number;
  retryDelayMs?: number;
  log?: (line: string) => void;
}

/** The typed client (generated from docs/openapi) of one service, with this command's key. */
export function typedClient<S extends HttpServiceName>(service: S, options: ClientOptions): ServiceClient<S> {
  return serviceClient(service, options.baseUrl, options.apiKey);
}

interface Answer {
  response: Response;
  error?: unknown;
}

/**
 * A request through the typed client (`what` is e.g. `POST /v1/feeds`), retried while the service
 * cannot be reached or answers 5xx/429, never on 4xx.
 */
export async function callService<A extends Answer>(
  options: ClientOptions,
  what: string,
  call: () => Promise<A>,
): Promise<A> {
  const attempts = options.attempts ?? 5;
  let delay = options.retryDelayMs ?? 1000;
  let limited = 0;
  for (let attempt = 1; ;) {
    let failure: string;
    try {
      const answer = await call();
      const status = answer.response.status;
      if (status < 500 && status !== 429) return answer;
      failure = `${status} ${JSON.stringify(answer.error)}`;
      // An upload limit is not a failure: the service says when this holder may send again.
      const retryAfter = status === 429 ? retryAfterMs(answer.response) : undefined;
      if (retryAfter !== undefined && ++limited <= MAX_RATE_LIMIT_WAITS) {
        options.log?.(`${what}: upload limit reached; sending again in ${retryAfter} ms as the service asks`);
        await sleep(retryAfter);
        continue;
      }
    } catch (e) {
      failure = (e as Error).cause ? String((e as Error & { cause: unknown }).cause) : (e as Error).message;
    }
    if (attempt >= attempts)
      throw new CliError(`${what} failed ${attempts} times; last: ${failure}`, ExitCode.Unreachable);
    options.log?.(`${what}: ${failure}; trying again in ${delay} ms (${attempt}/${attempts})`);
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
    attempt++;
  }
}

/** Waits for a rate limit's window one request may sit out (the limit is per minute). */
const MAX_RATE_LIMIT_WAITS = 10;

/** `Retry-After` in seconds (what the services send with 429), as milliseconds; capped at two minutes. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return response.headers.has('retry-after') && Number.isFinite(seconds) && seconds >= 0
    ? Math.min(seconds, 120) * 1000 + 50
    : undefined;
}

/** The data of a 2xx answer; anything else 4xx is a refusal, with the service's message. */
export function expectData<D>(answer: { data?: D; error?: unknown; response: Response }, what: string): D {
  if (answer.response.ok) return answer.data as D;
  const message = (answer.error as { message?: string } | undefined)?.message ?? JSON.stringify(answer.error);
  throw new CliError(
    `${what} refused (${answer.response.status}): ${message}`,
    ExitCode.Refused,
    answer.error,
  );
}

/**
 * A request to a route outside the JSON contract (the Prometheus text of `/metrics`), without the
 * typed client: retried like `callService`.
 */
export async function callRoute(
  options: ClientOptions,
  method: string,
  route: string,
  init: { headers?: Record<string, string>; body?: () => string | ReadableStream } = {},
): Promise<Response> {
  const answer = await callService(options, `${method} ${route}`, async () => {
    const body = init.body?.();
    const response = await fetch(`${options.baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, ...init.headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    return { response };
  });
  return answer.response;
}
