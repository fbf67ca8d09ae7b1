import { StreamableFile } from '@nestjs/common';
import { CsvCell, csvDocument, XLSX_TYPE, xlsxBuffer } from '@urrbmi/files';

export type ListFormat = 'json' | 'csv' | 'xlsx';
export const LIST_FORMATS: ListFormat[] = ['json', 'csv', 'xlsx'];

/** A list as a file: its name, the sheet name (XLSX), a header and lines. */
export interface TableFile {
  filename: string;
  sheet: string;
  header: string[];
  lines: CsvCell[][];
}

/** Sends a list as CSV (UTF-8) or XLSX, with a download name. */
export async function sendTableFile(
  res: { setHeader(k: string, v: string): void },
  format: 'csv' | 'xlsx',
  t: TableFile,
): Promise<string | StreamableFile> {
  res.setHeader('Content-Disposition', `attachment; filename="${t.filename}.${format}"`);
  if (format === 'xlsx') {
    res.setHeader('Content-Type', XLSX_TYPE);
    return new StreamableFile(await xlsxBuffer(t.sheet, t.header, t.lines));
  }
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  return csvDocument(t.header, t.lines);
}
