import { errorCodes } from '@urrbmi/platform';

/** Refusals of a task-breakdown table (任务分解表) import; nothing is stored. */
export const QuotaErrors = errorCodes({
  /** X-Declared-Total is not a whole number of people. */
  BAD_HEADER: 400,
  /** A row is invalid (details: the problems). */
  INVALID_QUOTA_TABLE: 422,
  /** More than 100,000 rows. */
  TOO_MANY_ROWS: 422,
});
