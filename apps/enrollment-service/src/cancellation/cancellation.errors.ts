import { errorCodes } from '@urrbmi/platform';

/**
 * Refusals of cancellations (注销登记). A checker's refusals are the shared `MakerCheckerErrors`:
 * SAME_HOLDER 403, OTHER_ROLE 403, ALREADY_DECIDED 409.
 */
export const CancellationErrors = errorCodes({
  ENROLMENT_NOT_FOUND: 404,
  CANCELLATION_NOT_FOUND: 404,
  ALREADY_CANCELLED: 409,
  /** A cancellation of this paid enrolment already waits for its checker. */
  CANCELLATION_PENDING: 409,
});
