import { errorCodes } from '@urrbmi/platform';
import { ENROLMENT_REFUSALS, EnrolmentRefusal } from '@urrbmi/policy';

/** The region-season policy's refusals (`decideEnrolment`), all 422. */
const POLICY_REFUSALS = Object.fromEntries(ENROLMENT_REFUSALS.map((code) => [code, 422])) as Record<
  EnrolmentRefusal,
  422
>;

/** Refusals of a registration (参保登记), one or a batch row. */
export const RegistrationErrors = errorCodes({
  /** Only the medical insurance bureau enrols a fully subsidised person on their behalf. */
  PROXY_BY_MIB_ONLY: 403,
  /** The person has a live enrolment for the season (details: it, where the caller may see it). */
  ALREADY_ENROLLED: 409,
  /** The person is insured as an employee. */
  DOUBLE_COVER: 409,
  /** A transfer in while still enrolled elsewhere this or last season. */
  NOT_CANCELLED_ELSEWHERE: 409,
  NO_POLICY: 422,
  NON_LOCAL_PROOF_REQUIRED: 422,
  LATE_GROUP_REQUIRED: 422,
  PREVIOUS_REGION_REQUIRED: 422,
  ...POLICY_REFUSALS,
});
