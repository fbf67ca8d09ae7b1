/**
 * Resident identity card number (公民身份号码), GB 11643-1999: 6-digit administrative region code,
 * 8-digit birth date (YYYYMMDD), 3-digit sequence (odd = male, even = female) and an ISO 7064
 * MOD 11-2 check character (0-9 or X). It is the person's unique insurance code, so every entry point
 * parses it with this module and nothing else.
 */

export type ResidentIdErrorCode = 'LENGTH' | 'FORMAT' | 'REGION' | 'BIRTH_DATE' | 'CHECK_DIGIT';

export class ResidentIdError extends Error {
  constructor(
    readonly code: ResidentIdErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ResidentIdError';
  }
}

export type Sex = 'MALE' | 'FEMALE';

export interface ResidentId {
  /** The normalised 18-character number (lower-case x upper-cased). */
  readonly value: string;
  readonly regionCode: string;
  /** Birth date as `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: Sex;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** Province-level prefixes of GB/T 2260 (the first two digits of every region code). */
const PROVINCE_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
  '91',
]);

/** The check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new ResidentIdError('FORMAT', 'expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Parses and validates a resident ID number. `today` (YYYY-MM-DD) bounds the birth date: nobody
 * can be born after it, nor before 1900.
 */
export function parseResidentId(raw: string, today?: string): ResidentId {
  const value = raw.trim().toUpperCase();
  if (value.length !== 18) {
    throw new ResidentIdError('LENGTH', `resident ID number must have 18 characters, got ${value.length}`);
  }
  if (!/^\d{17}[\dX]$/.test(value)) {
    throw new ResidentIdError('FORMAT', 'resident ID number must be 17 digits followed by a digit or X');
  }
  const regionCode = value.slice(0, 6);
  if (!PROVINCE_PREFIXES.has(regionCode.slice(0, 2))) {
    throw new ResidentIdError(
      'REGION',
      `resident ID number has an unknown province code ${regionCode.slice(0, 2)}`,
    );
  }
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (year < 1900 || !isRealDate(year, month, day) || (today !== undefined && birthDate > today)) {
    throw new ResidentIdError('BIRTH_DATE', `resident ID number has an impossible birth date ${birthDate}`);
  }
  const expected = residentIdCheckChar(value.slice(0, 17));
  if (value[17] !== expected) {
    throw new ResidentIdError('CHECK_DIGIT', 'resident ID number check digit does not match (GB 11643)');
  }
  const sex: Sex = Number(value[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
  return { value, regionCode, birthDate, sex };
}

/** True when `raw` is a valid resident ID number; for validators that only need a yes or no. */
export function isValidResidentId(raw: string): boolean {
  try {
    parseResidentId(raw);
    return true;
  } catch {
    return false;
  }
}

/** `620725********1234`: region kept for routing questions, birth date and sequence hidden. */
export function maskResidentId(value: string): string {
  const chars = [...value];
  if (chars.length !== 18) return '*'.repeat(chars.length);
  return `${chars.slice(0, 6).join('')}********${chars.slice(14).join('')}`;
}
