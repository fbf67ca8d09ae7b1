import { errorCodes } from '@urrbmi/platform';

/** Refusals of a plan's funding (财政拨付); a plan that cannot be funded is `ILLEGAL_TRANSITION`. */
export const FundingErrors = errorCodes({
  /** The amount funded is not the plan total; nothing changes. */
  FUNDING_MISMATCH: 422,
});
