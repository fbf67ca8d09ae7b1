/**
 * Business dates and deadlines in Asia/Shanghai. China has kept UTC+08:00 all year since 1991, so
 * the offset is fixed; computing with it explicitly makes results independent of the server's zone.
 */
export const SHANGHAI_OFFSET = '+08:00';
const OFFSET_MS = 8 * 60 * 60 * 1000;

export type BusinessDate = string; // YYYY-MM-DD

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isBusinessDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

export function assertBusinessDate(text: string): BusinessDate {
  if (!isBusinessDate(text)) throw new RangeError(`not a calendar date YYYY-MM-DD: "${text}"`);
  return text;
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date): BusinessDate {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a wall-clock time (`HH:mm:ss`) on a Shanghai date. */
export function shanghaiInstant(date: BusinessDate, time = '00:00:00'): Date {
  assertBusinessDate(date);
  if (!/^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(time))
    throw new RangeError(`not a time HH:mm[:ss]: "${time}"`);
  return new Date(`${date}T${time}${SHANGHAI_OFFSET}`);
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  const d = new Date(`${assertBusinessDate(date)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO-8601 with the Shanghai offset, e.g. `2023-12-31T23:59:59.000+08:00`. */
export function toShanghaiIso(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().replace('Z', SHANGHAI_OFFSET);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  const a = Date.parse(`${assertBusinessDate(from)}T00:00:00Z`);
  const b = Date.parse(`${assertBusinessDate(to)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/**
 * The same day `months` later; where that month is shorter, its last day (期间按月计算:
 * 到期月的对应日为期间的最后一日，没有对应日的，月末日为最后一日 — Civil Code art. 202).
 */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  const [y, m, d] = assertBusinessDate(date).split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export type YearMonth = string; // YYYY-MM

export function monthOf(date: BusinessDate): YearMonth {
  return assertBusinessDate(date).slice(0, 7);
}

export function firstDayOfMonth(month: YearMonth): BusinessDate {
  return assertBusinessDate(`${month}-01`);
}

export function lastDayOfMonth(month: YearMonth): BusinessDate {
  return addDays(addMonths(firstDayOfMonth(month), 1), -1);
}

export function addMonthsToMonth(month: YearMonth, n: number): YearMonth {
  return monthOf(addMonths(firstDayOfMonth(month), n));
}

/**
 * The tax bureau pushes day D's payment detail before 16:00 Asia/Shanghai on D+1 (次日下午4点前);
 * from that instant on, the feed for D is late.
 */
export function feedDeadline(paymentDate: BusinessDate): Date {
  return shanghaiInstant(addDays(paymentDate, 1), '16:00:00');
}

export function isFeedLate(paymentDate: BusinessDate, now: Date): boolean {
  return now.getTime() >= feedDeadline(paymentDate).getTime();
}
