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

/** What a checker may not do to a maker's entry: shared by every maker-checker flow. */
export const MakerCheckerErrors = errorCodes({
  /** The entry was confirmed or rejected already. */
  ALREADY_DECIDED: 409,
  /** The holder who entered it tries to confirm or reject it. */
  SAME_HOLDER: 403,
  /** A holder of another role tries to decide on it. */
  OTHER_ROLE: 403,
});

/**
 * The maker-checker rule: an entry still pending may be decided by another holder of the role that
 * entered it, never by the one who entered it.
 */
export function assertCheckerMayDecide(
  entry: { id: string; status: string; enteredBy: string; enteredRole: string },
  checker: { holder: string; role: string },
  pending = 'PENDING',
): void {
  if (entry.status !== pending)
    throw MakerCheckerErrors.ALREADY_DECIDED(`${entry.id} is already ${entry.status}`, {
      status: entry.status,
    });
  if (entry.enteredBy === checker.holder)
    throw MakerCheckerErrors.SAME_HOLDER(
      'the holder who entered this cannot confirm or reject it; another holder of the same role must',
    );
  if (entry.enteredRole !== checker.role)
    throw MakerCheckerErrors.OTHER_ROLE(`only another ${entry.enteredRole} holder may decide on this`);
}
