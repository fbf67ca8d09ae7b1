/**
 * The tax bureau's daily feed file (ARCHITECTURE.md, "Tax daily feed"): its columns and how its
 * control totals are counted. The service checks the declared totals with the same function the
 * command-line client computes them with, so the two cannot count differently.
 */
export const DAILY_FEED_COLUMNS = [
  'voucher_no',
  'kind',
  'original_voucher_no',
  'id_number',
  'name',
  'region_code',
  'township_code',
  'village_code',
  'season',
  'amount_fen',
  'channel',
  'paid_at',
] as const;

/**
 * What one row adds to `X-Total-Amount-Fen`: its `amount_fen` when that is an integer of at most 12
 * digits (negative for reversals), else 0 — a row that is not a number is still counted in
 * `X-Record-Count` and quarantined later; it simply adds nothing to the declared total.
 */
export function feedControlAmount(amountFenCell: string | undefined): number {
  const a = (amountFenCell ?? '').trim();
  return /^-?\d{1,12}$/.test(a) ? Number(a) : 0;
}
