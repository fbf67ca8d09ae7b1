import {
  DAILY_FEED_COLUMNS,
  EventValidationError,
  feedControlAmount,
  PAYMENT_CHANNELS,
  PaymentChannel,
  PaymentRecordedV1,
  PaymentReversedV1,
  validateAs,
} from '@urrbmi/contracts';
import {
  isBusinessDate,
  isValidResidentId,
  maskResidentId,
  maskResidentIdsInText,
  toShanghaiIso,
} from '@urrbmi/domain';

/** One valid row of the tax bureau's daily detail (税务缴费明细). */
export interface FeedRow {
  line: number;
  voucherNo: string;
  kind: 'PAYMENT' | 'REVERSAL';
  originalVoucherNo: string | null;
  idNumber: string;
  name: string;
  regionCode: string;
  townshipCode: string | null;
  villageCode: string | null;
  season: number;
  amountFen: number;
  channel: PaymentChannel | null;
  paidAt: string;
}

export interface QuarantinedRow {
  line: number;
  code: string;
  message: string;
  voucherNo: string | null;
  channel: string | null;
  amountFen: number | null;
  idNumber: string | null;
}

/** The feed's columns, as the contract states them (libs/contracts). */
export const FEED_COLUMNS = DAILY_FEED_COLUMNS;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** What the ledger's `integer` amount columns (and every consumer's) hold: 2^31 - 1 fen. */
export const MAX_AMOUNT_FEN = 2_147_483_647;
/** The longest name the payment.recorded contract carries. */
export const MAX_NAME_LENGTH = 100;
/** Seasons the event contract accepts (`season` of every payload). */
export const SEASON_RANGE = { min: 2000, max: 2100 } as const;

/**
 * True when `text` (ISO-8601 with offset) names a real calendar day and clock time. JavaScript's
 * Date quietly rolls 2023-02-30 over to 2 March; Postgres refuses it and would fail the whole chunk.
 */
export function isRealInstant(text: string): boolean {
  if (!ISO_WITH_OFFSET.test(text) || Number.isNaN(Date.parse(text))) return false;
  const [h, m, sec] = text.slice(11, 19).split(':').map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  if (offset && (Number(offset[2]) > 14 || Number(offset[3]) > 59)) return false;
  return isBusinessDate(text.slice(0, 10)) && h < 24 && m < 60 && sec < 60;
}

/** An amount the database can hold, or null (a quarantined row keeps no amount it cannot store). */
function storableAmount(a: number | null): number | null {
  return a !== null && Math.abs(a) <= MAX_AMOUNT_FEN ? a : null;
}

/** The amount of a row for control totals, counted as the contract says (`feedControlAmount`). */
export function controlAmount(v: Record<string, string>): number {
  return feedControlAmount(v.amount_fen);
}

/**
 * Validates one CSV record. `knownPolicy(region, season)` says whether the region and season exist;
 * the feed's own region must match the row's.
 */
export function parseFeedRow(
  line: number,
  v: Record<string, string>,
  feedRegion: string,
  knownPolicy: (region: string, season: number) => boolean,
): FeedRow | QuarantinedRow {
  const id = (v.id_number ?? '').trim().toUpperCase();
  const amountText = (v.amount_fen ?? '').trim();
  const amount = /^-?\d{1,12}$/.test(amountText) ? Number(amountText) : null;
  const channel = (v.channel ?? '').trim();
  // Messages and cells echo what the row holds; a shifted column puts an ID number anywhere.
  const q = (code: string, message: string): QuarantinedRow => ({
    line,
    code,
    message: maskResidentIdsInText(message),
    voucherNo: v.voucher_no?.trim() ? maskResidentIdsInText(v.voucher_no.trim()) : null,
    channel: channel ? maskResidentIdsInText(channel) : null,
    amountFen: storableAmount(amount),
    idNumber: id.length === 18 ? maskResidentId(id) : null,
  });
  const voucherNo = (v.voucher_no ?? '').trim();
  if (!voucherNo || voucherNo.length > 64)
    return q('BAD_VOUCHER', 'voucher_no is missing or longer than 64 characters');
  const kind = (v.kind ?? '').trim();
  if (kind !== 'PAYMENT' && kind !== 'REVERSAL') return q('BAD_KIND', 'kind must be PAYMENT or REVERSAL');
  if (!isValidResidentId(id))
    return q('BAD_ID_NUMBER', 'id_number is not a valid resident ID number (GB 11643 check digit)');
  const name = (v.name ?? '').trim();
  if (!name) return q('MISSING_NAME', 'name is missing');
  if ([...name].length > MAX_NAME_LENGTH)
    return q('NAME_TOO_LONG', `name is longer than ${MAX_NAME_LENGTH} characters`);
  const region = (v.region_code ?? '').trim();
  const seasonText = (v.season ?? '').trim();
  const season = /^\d{4}$/.test(seasonText) ? Number(seasonText) : NaN;
  if (!Number.isInteger(season)) return q('BAD_SEASON', 'season must be a year');
  if (season < SEASON_RANGE.min || season > SEASON_RANGE.max)
    return q('BAD_SEASON', `season must be a year from ${SEASON_RANGE.min} to ${SEASON_RANGE.max}`);
  if (region !== feedRegion)
    return q('REGION_MISMATCH', `region_code ${region} is not the feed's region ${feedRegion}`);
  if (!knownPolicy(region, season))
    return q('UNKNOWN_REGION', `no collection season ${season} for region ${region}`);
  const township = (v.township_code ?? '').trim();
  const village = (v.village_code ?? '').trim();
  if (township && !/^\d{9}$/.test(township)) return q('BAD_TOWNSHIP', 'township_code must be 9 digits');
  if (village && !/^\d{12}$/.test(village)) return q('BAD_VILLAGE', 'village_code must be 12 digits');
  if (amount === null) return q('BAD_AMOUNT', 'amount_fen must be an integer number of fen');
  if (Math.abs(amount) > MAX_AMOUNT_FEN)
    return q('BAD_AMOUNT', `amount_fen is beyond ${MAX_AMOUNT_FEN} fen, more than any contribution`);
  const original = (v.original_voucher_no ?? '').trim();
  if (kind === 'PAYMENT' && amount <= 0) return q('BAD_AMOUNT', 'a PAYMENT carries a positive amount');
  if (kind === 'REVERSAL' && amount >= 0) return q('BAD_AMOUNT', 'a REVERSAL carries a negative amount');
  if (kind === 'REVERSAL' && !original) return q('MISSING_ORIGINAL', 'a REVERSAL names original_voucher_no');
  if (kind === 'PAYMENT' && !(PAYMENT_CHANNELS as readonly string[]).includes(channel))
    return q('BAD_CHANNEL', `channel must be one of ${PAYMENT_CHANNELS.join(', ')}`);
  const paidAt = (v.paid_at ?? '').trim();
  if (!ISO_WITH_OFFSET.test(paidAt) || Number.isNaN(Date.parse(paidAt)))
    return q('BAD_PAID_AT', 'paid_at must be ISO-8601 with an offset');
  if (!isRealInstant(paidAt))
    return q('BAD_PAID_AT', `paid_at ${paidAt.slice(0, 19)} is not a real calendar day and time`);
  return {
    line,
    voucherNo,
    kind,
    originalVoucherNo: original || null,
    idNumber: id,
    name,
    regionCode: region,
    townshipCode: township || null,
    villageCode: village || null,
    season,
    amountFen: amount,
    channel: (PAYMENT_CHANNELS as readonly string[]).includes(channel) ? (channel as PaymentChannel) : null,
    paidAt,
  };
}

export function isQuarantined(r: FeedRow | QuarantinedRow): r is QuarantinedRow {
  return 'code' in r;
}

/** The payment.recorded payload of a valid PAYMENT row. */
export function paymentRecordedPayload(p: FeedRow, feedId: string): PaymentRecordedV1 {
  return {
    voucherNo: p.voucherNo,
    idNumber: p.idNumber,
    name: p.name,
    regionCode: p.regionCode,
    townshipCode: p.townshipCode ?? undefined,
    villageCode: p.villageCode ?? undefined,
    season: p.season,
    amountFen: p.amountFen,
    channel: p.channel!,
    paidAt: toShanghaiIso(new Date(p.paidAt)),
    feedId,
  };
}

/** The payment.reversed payload of a valid REVERSAL row. */
export function paymentReversedPayload(r: FeedRow, feedId: string): PaymentReversedV1 {
  return {
    voucherNo: r.voucherNo,
    originalVoucherNo: r.originalVoucherNo!,
    idNumber: r.idNumber,
    regionCode: r.regionCode,
    season: r.season,
    amountFen: r.amountFen,
    reversedAt: toShanghaiIso(new Date(r.paidAt)),
    feedId,
  };
}

/**
 * The last check before a row is written: would its event pass the contract? A row the parser let
 * through but the payload class refuses is quarantined here instead of failing its chunk at publish.
 */
export function contractViolation(r: FeedRow, feedId: string): QuarantinedRow | undefined {
  try {
    if (r.kind === 'PAYMENT') validateAs(PaymentRecordedV1, paymentRecordedPayload(r, feedId), 'payment');
    else validateAs(PaymentReversedV1, paymentReversedPayload(r, feedId), 'reversal');
    return undefined;
  } catch (e) {
    if (!(e instanceof EventValidationError)) throw e;
    return {
      line: r.line,
      code: 'CONTRACT_VIOLATION',
      message: `the row's event would break the ${r.kind === 'PAYMENT' ? 'payment.recorded' : 'payment.reversed'} contract: ${e.details.join('; ')}`,
      voucherNo: r.voucherNo,
      channel: r.channel,
      amountFen: r.amountFen,
      idNumber: maskResidentId(r.idNumber),
    };
  }
}
