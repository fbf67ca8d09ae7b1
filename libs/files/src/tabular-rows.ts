import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { SharedStringTable } from './shared-string-table';
import iconv from 'iconv-lite';
import { checkWorkbookSize, DEFAULT_TABULAR_LIMITS, TabularFileError, TabularLimits } from './tabular-limits';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface TabularRow {
  /** Line number in the file as a clerk sees it (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export function isGbk(contentType: string): boolean {
  return /charset=\s*"?(gbk|gb2312|gb18030)/i.test(contentType);
}

/**
 * UTF-8 decoded strictly: bytes that are not UTF-8 stop the read with the offset, instead of becoming
 * U+FFFD and being stored and published (a GBK file sent without `charset=gbk` looks exactly so).
 */
function strictUtf8(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const fail = () =>
    new TabularFileError(
      'INVALID_UTF8',
      `the file is not valid UTF-8 (near byte ${offset}); send GBK files as text/csv; charset=gbk`,
      { nearByte: offset },
    );
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, text);
      } catch {
        done(fail());
      }
    },
    flush(done) {
      try {
        const rest = decoder.decode();
        done(null, rest || undefined);
      } catch {
        done(fail());
      }
    },
  });
}

/** `lastGoodLine`: the line the last whole record ended on (an open quote starts after it). */
function csvProblem(e: unknown, limits: TabularLimits, lastGoodLine: number): unknown {
  if (!(e instanceof CsvError)) return e;
  let line = (e as CsvError & { lines?: number }).lines;
  if (e.code === 'CSV_MAX_RECORD_SIZE')
    return new TabularFileError(
      'RECORD_TOO_LONG',
      `a record is longer than ${limits.maxRecordChars} characters (line ${line}); is a newline or a closing quote missing?`,
      { line, limitChars: limits.maxRecordChars },
    );
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    line = lastGoodLine + 1;
    return new TabularFileError('UNCLOSED_QUOTE', `a quote opened on line ${line} is never closed`, { line });
  }
  return e;
}

/** Lower-cased, trimmed header cells: the form every reader and check compares. */
export function normaliseHeader(cells: string[]): string[] {
  return cells.map((c) => c.trim().toLowerCase());
}

/**
 * Reads a CSV (UTF-8 with or without BOM, or GBK) or XLSX file row by row, never whole, within
 * `limits`. `onHeader` sees the header cells as written (duplicates included) before any row. A CSV
 * may also be read from a stream as it arrives (an upload's control totals); a workbook only from
 * its stored file.
 */
export async function* readTabularRows(
  file: string | Readable,
  contentType: string,
  limits: TabularLimits = DEFAULT_TABULAR_LIMITS,
  onHeader?: (cells: string[]) => void,
): AsyncGenerator<TabularRow> {
  let rows = 0;
  const counted = (row: TabularRow): TabularRow => {
    if (++rows > limits.maxRows)
      throw new TabularFileError('TOO_MANY_ROWS', `the file has more than ${limits.maxRows} rows`, {
        limitRows: limits.maxRows,
      });
    return row;
  };
  if (contentType.startsWith(XLSX_TYPE)) {
    if (typeof file !== 'string') throw new TypeError('a workbook is read from its stored file');
    await checkWorkbookSize(file, limits);
    for await (const row of readXlsx(file, onHeader)) yield counted(row);
    return;
  }
  const bytes = typeof file === 'string' ? createReadStream(file) : file;
  const text: NodeJS.ReadableStream = isGbk(contentType)
    ? bytes.pipe(iconv.decodeStream('gb18030'))
    : bytes.pipe(strictUtf8());
  let lastGoodLine = 0;
  const parser = parse({
    bom: true,
    columns: (h: string[]) => {
      lastGoodLine = 1;
      onHeader?.(h);
      return normaliseHeader(h);
    },
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
    info: true,
    max_record_size: limits.maxRecordChars,
  });
  // A decoding or reading error ends the parser with it, so the loop below sees the reason rather
  // than a hang.
  text.on('error', (e) => parser.destroy(e));
  bytes.on('error', (e: Error) => parser.destroy(e));
  text.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      lastGoodLine = info.lines;
      yield counted({ line: info.lines, values: record });
    }
  } catch (e) {
    throw csvProblem(e, limits, lastGoodLine);
  } finally {
    bytes.destroy();
  }
}

/** A shared string as exceljs emits it: plain text, or rich text in runs. */
type EmittedString = string | null | { richText?: { text: string | null }[] };

const joinedText = (t: EmittedString): string =>
  typeof t === 'string' ? t : t === null ? '' : (t.richText ?? []).map((r) => r.text ?? '').join('');

/**
 * Reads the first sheet row by row. The shared strings are taken as exceljs emits them into a
 * SharedStringTable (outside the JS heap) instead of its cache of JS strings; the worksheet reader
 * looks them up through `sharedStrings[index]`, so it gets a view of the table that answers that.
 * The view is set once the first string has arrived: until then a sheet that comes before the
 * strings in the zip is set aside by exceljs and read after them, as in its caching mode.
 */
async function* readXlsx(file: string, onHeader?: (cells: string[]) => void): AsyncGenerator<TabularRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'emit',
    hyperlinks: 'ignore',
    styles: 'cache', // so a date cell comes as a date, not as its serial number
    worksheets: 'emit',
  });
  const table = new SharedStringTable();
  const view = new Proxy([] as unknown[], {
    get: (_target, key) =>
      typeof key === 'string' && /^\d+$/.test(key) ? table.get(Number(key)) : undefined,
  });
  const events = (reader as unknown as { parse(): AsyncIterable<Record<string, unknown>> }).parse();
  let firstRead = false;
  for await (const event of events) {
    // exceljs yields an emitted shared string as { index, text }, without an event type.
    if (event.eventType === undefined && 'index' in event) {
      table.append(joinedText(event.text as EmittedString));
      (reader as unknown as { sharedStrings?: unknown }).sharedStrings ??= view;
      continue;
    }
    if (event.eventType !== 'worksheet') continue;
    const sheet = event.value as AsyncIterable<ExcelJS.Row>;
    if (firstRead) {
      // Only the first sheet counts. The rest is read through, not abandoned: exceljs removes the
      // temporary copy it made of a sheet stored before the shared strings only once asked for the
      // next event.
      for await (const row of sheet) void row;
      continue;
    }
    firstRead = true;
    let header: string[] | undefined;
    for await (const row of sheet) {
      const cells = (row.values as unknown[]).slice(1).map((v, i) => cellText(v, row.number, i + 1));
      if (!header) {
        onHeader?.(cells);
        header = normaliseHeader(cells);
        continue;
      }
      if (cells.every((c) => c === '')) continue;
      yield { line: row.number, values: Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) };
    }
  }
}

/** `A`, `B`, … `AA` for a 1-based column number. */
function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * The text of one workbook cell, as the clerk saw it. A formula cell is taken as the value Excel or
 * WPS saved with it (its cached result) and the formula itself is never evaluated; a formula saved
 * without a result (some generators write none) is refused, naming the cell, rather than read as
 * empty. Rich text is joined, a hyperlink is its text, an error value (`#REF!`) its code, a date
 * `YYYY-MM-DD` (or the full ISO instant when it has a time of day).
 */
function cellText(v: unknown, row: number, column: number): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v !== 'object') return String(v).trim();
  const o = v as {
    formula?: string;
    sharedFormula?: string;
    result?: unknown;
    richText?: { text: string }[];
    text?: unknown;
    error?: string;
  };
  if (o.formula !== undefined || o.sharedFormula !== undefined) {
    if (o.result === undefined || o.result === null) {
      const cell = `${columnLetters(column)}${row}`;
      throw new TabularFileError(
        'FORMULA_WITHOUT_VALUE',
        `cell ${cell} holds a formula saved without its value; save the file in Excel or WPS, or paste values only`,
        { cell },
      );
    }
    return cellText(o.result, row, column);
  }
  if (Array.isArray(o.richText))
    return o.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if (o.text !== undefined) return cellText(o.text, row, column);
  if (typeof o.error === 'string') return o.error;
  return '';
}

export interface TabularColumns {
  required: readonly string[];
  optional?: readonly string[];
}

export interface TabularInspection {
  header: string[];
  rows: number;
}

/**
 * Reads a whole stored upload once, before anything of it is applied: encoding, record sizes, the
 * workbook's inflated size, row count, and the header against the columns the endpoint takes. Any
 * problem is a TabularFileError naming it, so the endpoint can refuse the file with nothing stored.
 */
export async function inspectTabularFile(
  file: string,
  contentType: string,
  columns: TabularColumns,
  limits: TabularLimits = DEFAULT_TABULAR_LIMITS,
): Promise<TabularInspection> {
  let header: string[] | undefined;
  let rows = 0;
  const rowsRead = readTabularRows(file, contentType, limits, (cells) => {
    header = normaliseHeader(cells);
    checkHeader(header, columns);
  });
  for await (const _row of rowsRead) rows++;
  if (!header) throw new TabularFileError('BAD_HEADER', 'the file has no header row');
  return { header, rows };
}

/** Missing, repeated and unknown columns, all named at once. */
export function checkHeader(header: string[], columns: TabularColumns): void {
  const known = new Set([...columns.required, ...(columns.optional ?? [])]);
  const seen = new Set<string>();
  const duplicate = new Set<string>();
  for (const h of header) if (h !== '') (seen.has(h) ? duplicate : seen).add(h);
  const missing = columns.required.filter((c) => !seen.has(c));
  const unknown = [...seen].filter((h) => !known.has(h));
  if (missing.length + duplicate.size + unknown.length === 0) return;
  const parts = [
    missing.length ? `missing column(s): ${missing.join(', ')}` : '',
    duplicate.size ? `repeated column(s): ${[...duplicate].join(', ')}` : '',
    unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
  ].filter(Boolean);
  throw new TabularFileError('BAD_HEADER', `the header does not match: ${parts.join('; ')}`, {
    missing,
    duplicate: [...duplicate],
    unknown,
    expected: [...columns.required, ...(columns.optional ?? [])],
  });
}
