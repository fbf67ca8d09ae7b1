import { errorCodes } from '@urrbmi/platform';

/** Refusals of refund applications (受理), one at a time or as a batch file. */
export const ApplicationErrors = errorCodes({
  /** The voucher has a refund still open (details: its id and state). */
  OPEN_REFUND_EXISTS: 409,
  /** An Idempotency-Key already used for a different application. */
  IDEMPOTENCY_KEY_REUSED: 422,
  /** A batch file without a required column. */
  MISSING_COLUMNS: 400,
  /** A batch file without application rows. */
  EMPTY_FILE: 400,
  /** A batch file over its row limit. */
  TOO_MANY_ROWS: 413,
});
