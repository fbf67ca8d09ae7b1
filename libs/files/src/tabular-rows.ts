import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface TabularRow {
  /** Line number in the file as a clerk sees it (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

/** Reads a CSV (UTF-8 with or without BOM, or GBK) or XLSX file row by row, never whole. */
export async function* readTabularRows(file: string, contentType: string): AsyncGenerator<TabularRow> {
  if (contentType.startsWith(XLSX_TYPE)) {
    yield* readXlsx(file);
    return;
  }
  const gbk = /charset=\s*(gbk|gb2312|gb18030)/i.test(contentType);
  const source = gbk ? createReadStream(file).pipe(iconv.decodeStream('gb18030')) : createReadStream(file);
  const parser = source.pipe(
    parse({
      bom: true,
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    yield { line: info.lines, values: record };
  }
}

async function* readXlsx(file: string): AsyncGenerator<TabularRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  });
  for await (const sheet of reader) {
    let header: string[] | undefined;
    for await (const row of sheet) {
      const cells = (row.values as unknown[])
        .slice(1)
        .map((v) => (v === null || v === undefined ? '' : String((v as { text?: string }).text ?? v).trim()));
      if (!header) {
        header = cells.map((c) => c.toLowerCase());
        continue;
      }
      if (cells.every((c) => c === '')) continue;
      yield { line: row.number, values: Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) };
    }
    return; // the first sheet only
  }
}
