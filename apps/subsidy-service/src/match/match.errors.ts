import { errorCodes } from '@urrbmi/platform';

/** Refusals of the monthly match. */
export const MatchErrors = errorCodes({
  /** The month has not ended by the service clock. */
  MONTH_NOT_ENDED: 422,
});
