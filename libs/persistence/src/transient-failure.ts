import { isConnectionError } from './transaction';

/**
 * SQLSTATEs that say "try again later", not "this statement is wrong": the same work succeeds when
 * repeated once the other transaction, the lock, the load or the disk has moved on.
 * 40P01 deadlock_detected, 40001 serialization_failure, 55P03 lock_not_available (lock_timeout),
 * 57014 query_canceled (statement_timeout), 53300 too_many_connections, 53200 out_of_memory,
 * 53100 disk_full.
 */
export const TRANSIENT_SQLSTATES: readonly string[] = [
  '40P01',
  '40001',
  '55P03',
  '57014',
  '53300',
  '53200',
  '53100',
];

/** The SQLSTATE of a pg error, also when TypeORM wrapped it in a QueryFailedError. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True for a failure worth repeating unchanged: the database unreachable or restarting, or one of
 * the transient SQLSTATEs. Everything else (a constraint, a bad value, a bug) fails again the same way.
 */
export function isTransientFailure(error: unknown): boolean {
  const code = sqlStateOf(error);
  if (code !== undefined && TRANSIENT_SQLSTATES.includes(code)) return true;
  return isConnectionError(error) || isConnectionError((error as { driverError?: unknown })?.driverError);
}

export interface TransientRetryOptions {
  /** First pause; doubled at each attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up (rethrow the last failure) once this much time has passed since the first attempt. */
  giveUpAfterMs?: number;
  /** Told of each transient failure before the pause. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Checked before each pause: true stops retrying and rethrows. */
  shouldStop?: () => boolean;
}

/**
 * Runs `work` (a whole transaction: it must be safe to repeat from the start) and repeats it with
 * exponential backoff and jitter while it fails transiently. A permanent failure is rethrown at once.
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  options: TransientRetryOptions = {},
): Promise<T> {
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 5 * 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (!isTransientFailure(e) || Date.now() >= giveUpAt || options.shouldStop?.()) throw e;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      options.onRetry?.(e, attempt, Math.round(delay));
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
