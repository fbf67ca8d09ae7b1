import { errorCodes } from '@urrbmi/platform';

/** Refusals of the refund and plan state machines and of the review guard beside them. */
export const RefundErrors = errorCodes({
  /** A refund or plan whose state cannot take the command (details: each refusal). */
  ILLEGAL_TRANSITION: 409,
  /** The holder who entered the application tries to review or withdraw it. */
  REVIEWER_IS_ENTRANT: 403,
  /** Approving a voucher the tax feed never recorded: there is no payment to pay back yet. */
  PAYMENT_NOT_RECORDED: 422,
  /** Approving despite failed pre-checks without an override reason. */
  PRECHECK_FAILED: 422,
});
