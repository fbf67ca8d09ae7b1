import { errorCodes } from '@urrbmi/platform';

/**
 * Refusals of settlement batches. A checker's refusals (the maker confirming, another role, a batch
 * decided already) are the shared `MakerCheckerErrors`: SAME_HOLDER 403, OTHER_ROLE 403, ALREADY_DECIDED 409.
 */
export const SettlementErrors = errorCodes({
  SETTLEMENT_NOT_FOUND: 404,
});
