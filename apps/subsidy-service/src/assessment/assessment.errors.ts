import { errorCodes } from '@urrbmi/platform';

/** Refusals of the assessment reads (a person's assessment, the proxy-payment list). */
export const AssessmentErrors = errorCodes({
  ASSESSMENT_NOT_FOUND: 404,
  NO_POLICY: 422,
});
