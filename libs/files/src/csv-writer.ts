import { stringify } from 'csv-stringify/sync';

/**
 * CSV for files that clerks open (RFC 4180, written by `csv-stringify`): a field holding a comma, a
 * quote or a line break is quoted with its quotes doubled, lines end in CRLF, so a name such as
 * `欧阳,明` comes back exactly.
 *
 * Spreadsheet programs run a cell that begins with `=`, `+`, `-`, `@` (or a tab or carriage return)
 * as a formula (CSV injection, OWASP). Text cells that do are neutralised with a leading
 * apostrophe, which Excel and WPS show as plain text; numbers are written as numbers, so a negative
 * amount stays a number.
 */
export type CsvCell = string | number | bigint | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as a spreadsheet will show it: a would-be formula gets a leading apostrophe. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function cellText(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number' || typeof cell === 'bigint') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return neutraliseFormula(cell);
}

/** One CSV record, CRLF-terminated. */
export function csvLine(cells: readonly CsvCell[]): string {
  return stringify([cells.map(cellText)], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/** A whole CSV document: header then rows. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  let out = csvLine(header);
  for (const r of rows) out += csvLine(r);
  return out;
}
