import { isValidResidentId } from './resident-id';

/**
 * Finding and masking resident ID numbers in free text (log lines, error bodies, DLQ headers, reject
 * reports, exports). An ID can reach a text in more shapes than the 18 ASCII characters a form
 * asks for, and each one has leaked here before:
 *
 * - next to other digits (`第3行6207251990010112341`, an ID glued to a line or voucher number);
 * - URL-encoded, once or more (`%36%32…`, `%2536…`), as in a request line or a link;
 * - in full-width digits (`６２０７２５…`, typed with a Chinese input method) or any other
 *   character Unicode NFKC folds to a digit or X (`①`, `𝟔`), plain or URL-encoded as UTF-8.
 *
 * The text is read as a sequence of characters, each with the span of the original text it came
 * from, and every character is folded with NFKC. It is read as written, then after each layer of
 * percent-decoding (for double encoding), then again decoding only the escapes of digits, X and `%`
 * (so a literal `%` next to an ID cannot hide it). A run is a maximal sequence of digits, optionally ended by one X. Then:
 *
 * - a run of exactly 18 characters (17 digits and a digit or X) is masked whatever its check digit:
 *   a mistyped ID is still someone's ID;
 * - in a longer run every 18-character window that is a valid ID (GB 11643: province, birth date,
 *   check digit) is masked, so `20231020` + an ID is caught while an ordinary 20-digit voucher
 *   number is left alone (a random one holds a valid ID about once in 20,000).
 *
 * A literal `%` right before an ID (`%` + `341323…`, where `%34` also reads as `4`) is read both
 * ways. What it does not catch: IDs split by spaces or dashes (`6207 2519…`), which read as
 * ordinary numbers.
 *
 * Masking replaces the 8 birth-date characters of the ID (`620725********1234`), whatever their
 * encoding, with `*`; the rest of the text is kept byte for byte.
 */

interface Unit {
  /** The decoded character ('' once folded away). */
  ch: string;
  /** Span in the original text. */
  start: number;
  end: number;
  /**
   * For a character decoded from an escape of two decimal digits (`%34`): those two digits, which a
   * literal '%' before an ID's first two digits would make into this escape.
   */
  digits?: [Unit, Unit];
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const FOLDED = new Map<string, string>();

/** NFKC of one character, cached: full-width and other compatibility digits become ASCII. */
function fold(ch: string): string {
  if (ch.length === 1 && ch.charCodeAt(0) < 0x80) return ch;
  let f = FOLDED.get(ch);
  if (f === undefined) {
    f = ch.normalize('NFKC');
    if (FOLDED.size < 10_000) FOLDED.set(ch, f);
  }
  return f;
}

function unitsOf(text: string, offset: number): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    units.push({ ch: text.slice(i, i + len), start: offset + i, end: offset + i + len });
    i += len;
  }
  return units;
}

/**
 * Stretches of at least 18 characters that can make up an ID in some reading: ASCII digits and X,
 * what percent-escapes are written with, and the characters NFKC folds to a digit or X (full-width,
 * superscript and subscript, Roman numerals, circled digits, mathematical digits and letters).
 * Everything else (spaces, punctuation, CJK text) breaks every reading, so only these stretches are
 * examined. (A plain character class: `\p{N}` with the `u` flag costs more than the rest together.)
 */
const CANDIDATE =
  /(?:[0-9A-Fa-f%Xx\u00B2\u00B3\u00B9\u2070-\u2089\u2160-\u217F\u2460-\u24FF\u2776-\u2793\uFF10-\uFF19\uFF38\uFF58]|\uD835[\uDC00-\uDFFF]){18,}/g;

const isDigit = (c: string) => c >= '0' && c <= '9';
const isX = (c: string) => c === 'X' || c === 'x';

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * One layer of percent-decoding over units; `changed` is false when nothing was decoded. `only`
 * limits it to escapes whose character passes (a digit, X or '%'), so that a literal `%` just
 * before the digits of an ID (`%62…` is also `b…`) cannot hide it.
 */
function decodePercentLayer(
  units: Unit[],
  only?: (ch: string) => boolean,
): { units: Unit[]; changed: boolean } {
  const out: Unit[] = [];
  let changed = false;
  const byteAt = (k: number): number | undefined => {
    if (units[k]?.ch !== '%' || k + 2 >= units.length) return undefined;
    const hex = units[k + 1].ch + units[k + 2].ch;
    return HEX.test(hex) ? parseInt(hex, 16) : undefined;
  };
  for (let k = 0; k < units.length;) {
    const lead = byteAt(k);
    const n = lead === undefined ? 0 : utf8Length(lead);
    if (lead !== undefined && n > 0) {
      const bytes = [lead];
      for (let j = 1; j < n; j++) {
        const b = byteAt(k + 3 * j);
        if (b === undefined || (b & 0xc0) !== 0x80) break;
        bytes.push(b);
      }
      const ch = bytes.length === n ? Buffer.from(bytes).toString('utf8') : '';
      if (ch && (!only || only(ch))) {
        const [a, b] = [units[k + 1], units[k + 2]];
        const digits: [Unit, Unit] | undefined =
          n === 1 && isDigit(fold(a.ch)) && isDigit(fold(b.ch)) ? [a, b] : undefined;
        out.push({ ch, start: units[k].start, end: units[k + 3 * n - 1].end, digits });
        k += 3 * n;
        changed = true;
        continue;
      }
    }
    out.push(units[k]);
    k += 1;
  }
  return { units: out, changed };
}

const digitOrEscape = (ch: string) => ch === '%' || isDigit(fold(ch)) || isX(fold(ch));

type Found = Map<string, { id: string; spans: [number, number][] }>;

/** Resident IDs in one reading of the text (units already decoded). */
function idsIn(units: Unit[], found: Found): void {
  const chars = units.map((u) => fold(u.ch));
  for (let k = 0; k < units.length;) {
    if (!isDigit(chars[k])) {
      k += 1;
      continue;
    }
    let end = k;
    while (end < units.length && isDigit(chars[end])) end++;
    if (end < units.length && isX(chars[end])) end++;
    idsInRun(
      chars.slice(k, end),
      units.slice(k, end).map((u): [number, number] => [u.start, u.end]),
      found,
    );
    k = end;
  }
  // A literal '%' right before an ID's first two digits reads as an escape too (`%` + `3413…` as
  // '4' + `13…`) and hides the ID in every decoding; so each escape of two decimal digits is also
  // read as a literal '%' followed by the ID's first two digits.
  for (let k = 0; k < units.length; k++) {
    const digits = units[k].digits;
    if (!digits) continue;
    let stop = k + 1;
    while (stop < units.length && stop - k < 19 && isDigit(chars[stop])) stop++;
    if (stop < units.length && stop - k < 19 && isX(chars[stop])) stop++;
    const lead = [...digits, ...units.slice(k + 1, stop)];
    idsInRun(
      lead.map((u) => fold(u.ch)),
      lead.map((u): [number, number] => [u.start, u.end]),
      found,
      true,
    );
  }
}

/**
 * IDs in one maximal run of digits (and a final X): a run of exactly 18 is an ID whatever its check
 * digit; in a longer one, each valid 18-character window. With `fromStartOnly` (a run read after a
 * '%' taken as literal), only a valid ID at its start.
 */
function idsInRun(chars: string[], spans: [number, number][], found: Found, fromStartOnly = false): void {
  const run = chars.join('').toUpperCase();
  const add = (w: number) => {
    const idSpans = spans.slice(w, w + 18);
    found.set(idSpans.map((x) => x.join('-')).join(','), { id: run.slice(w, w + 18), spans: idSpans });
  };
  if (fromStartOnly) {
    if (run.length >= 18 && isValidResidentId(run.slice(0, 18))) add(0);
  } else if (run.length === 18 && /^\d{17}[\dX]$/.test(run)) add(0);
  else if (run.length > 18)
    for (let w = 0; w + 18 <= run.length; w++) if (isValidResidentId(run.slice(w, w + 18))) add(w);
}

/**
 * Where resident IDs sit in `text`: for each, the spans of its 18 characters in the original. The
 * text is read as written and after each layer of percent-decoding, since a reader may do either.
 */
export function findResidentIdsInText(text: string): { id: string; spans: [number, number][] }[] {
  const found: Found = new Map();
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = unitsOf(m[0], m.index);
    idsIn(raw, found);
    if (!m[0].includes('%')) continue;
    for (const only of [undefined, digitOrEscape]) {
      let units = raw;
      for (let layer = 0; layer < 4; layer++) {
        const next = decodePercentLayer(units, only);
        if (!next.changed) break;
        units = next.units;
        idsIn(units, found);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.spans[0][0] - b.spans[0][0]);
}

/** Masks every resident ID in free text (see the module comment for what counts as one). */
export function maskResidentIdsInText(text: string): string {
  const found = findResidentIdsInText(text);
  if (found.length === 0) return text;
  // The birth-date characters (7th to 14th) of each ID are hidden, each one by a single '*'
  // whatever its encoding; spans that overlap (an ID seen in two readings) merge into one.
  const spans = found.flatMap((f) => f.spans.slice(6, 14)).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged[merged.length - 1];
    if (last && s < last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  let out = '';
  let at = 0;
  for (const [s, e] of merged) {
    out += text.slice(at, s) + '*';
    at = e;
  }
  return out + text.slice(at);
}

/** Masks every resident ID in every string of a JSON-like value (error bodies, log fields). */
export function maskResidentIdsDeep<T>(value: T): T {
  if (typeof value === 'string') return maskResidentIdsInText(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskResidentIdsDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[maskResidentIdsInText(k)] = maskResidentIdsDeep(v);
    return out as T;
  }
  return value;
}
