import { setTimeout as sleep } from 'node:timers/promises';

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
  /** Attempts for a request that failed on the way (network, 5xx, 429); the same bytes are idempotent. */
  attempts?: number;
  retryDelayMs?: number;
  log?: (line: string) => void;
}

/** A request that is retried while the service cannot be reached or answers 5xx/429, never on 4xx. */
export async function callService(
  options: ClientOptions,
  method: string,
  route: string,
  init: { headers?: Record<string, string>; body?: () => string | ReadableStream } = {},
): Promise<Response> {
  const attempts = options.attempts ?? 5;
  let delay = options.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const body = init.body?.();
      const r = await fetch(`${options.baseUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${options.apiKey}`, ...init.headers },
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
      if (r.status < 500 && r.status !== 429) return r;
      failure = `${r.status} ${await r.text()}`;
    } catch (e) {
      failure = (e as Error).cause ? String((e as Error & { cause: unknown }).cause) : (e as Error).message;
    }
    if (attempt >= attempts)
      throw new CliError(
        `${method} ${route} failed ${attempts} times; last: ${failure}`,
        ExitCode.Unreachable,
      );
    options.log?.(`${method} ${route}: ${failure}; trying again in ${delay} ms (${attempt}/${attempts})`);
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}

/** The JSON of a 2xx answer; anything else 4xx is a refusal, with the service's message. */
export async function expectJson<T>(r: Response, what: string): Promise<T> {
  const text = await r.text();
  const body = text ? (JSON.parse(text) as unknown) : {};
  if (r.ok) return body as T;
  const message = (body as { message?: string }).message ?? text;
  throw new CliError(`${what} refused (${r.status}): ${message}`, ExitCode.Refused, body);
}
