import { errorCodes } from '@urrbmi/platform';

/** Refusals of the weekly ranking (周排名) and its bulletin. */
export const RankingErrors = errorCodes({
  /** `week` is not a calendar date. */
  BAD_QUERY: 400,
  /** No policy for the county and season. */
  NO_POLICY: 404,
  /** No quotas at the ranking level: import them with POST /v1/quotas. */
  NO_QUOTA: 404,
  /** No week of the season has ended yet. */
  NO_COMPLETED_WEEK: 404,
  /** The week asked for is not a completed week of the season (details: the weeks that are). */
  WEEK_NOT_RANKED: 404,
});
