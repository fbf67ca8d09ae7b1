import { errorCodes } from '@urrbmi/platform';

/** Refusals of refund plans (退费用款计划); a refund that cannot be planned is `ILLEGAL_TRANSITION`. */
export const PlanErrors = errorCodes({
  /** Refund ids named for the plan that do not exist (details: the missing ids). */
  REFUND_NOT_FOUND: 404,
  /** Refunds whose payment was reversed after their approval: withdraw them first. */
  PAYMENT_REVERSED_SINCE_APPROVAL: 409,
  /** No approved refund waits for a plan. */
  NOTHING_TO_PLAN: 422,
});
