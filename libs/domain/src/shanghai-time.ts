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
