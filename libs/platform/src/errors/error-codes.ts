import { DomainError } from './domain-error';

/** A feature's coded refusals: each code with the HTTP status it always maps to. */
export type ErrorCodes<T extends Record<string, number>> = {
  readonly [K in keyof T]: (message: string, details?: unknown) => DomainError;
} & { readonly status: Readonly<T> };

/**
 * Declares a feature's error codes once, as an enum of code → HTTP status, and gives a factory per
 * code: `throw SettlementErrors.SAME_HOLDER('…')` is a `DomainError` with code `SAME_HOLDER` and
 * its status, rendered by `ApiExceptionFilter` as `details.code`. A code cannot be thrown with
 * another status, and clients may switch on it.
 */
export function errorCodes<const T extends Record<string, number>>(statuses: T): ErrorCodes<T> {
  const out: Record<string, unknown> = { status: Object.freeze({ ...statuses }) };
  for (const [code, status] of Object.entries(statuses))
    out[code] = (message: string, details?: unknown) => new DomainError(code, message, status, details);
  return Object.freeze(out) as ErrorCodes<T>;
}
