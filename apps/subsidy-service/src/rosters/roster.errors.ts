import { errorCodes } from '@urrbmi/platform';

/** Refusals of roster snapshots (花名册), each with its HTTP status. */
export const RosterErrors = errorCodes({
  BAD_HEADER: 400,
  NOT_YOUR_SOURCE: 403,
  USE_EMPLOYEE_INSURED_LIST: 422,
  REGION_REQUIRED: 422,
  OLDER_SNAPSHOT: 409,
  ROSTER_NOT_FOUND: 404,
  ALREADY_DECIDED: 409,
  /** Approving or rejecting an upload still PROCESSING, or one that FAILED. */
  NOT_STAGED: 409,
  /** The uploader tries to decide on their own upload. */
  SAME_PERSON: 403,
  /** A holder of another role tries to decide on it. */
  OTHER_DEPARTMENT: 403,
});
