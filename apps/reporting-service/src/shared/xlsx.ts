import ExcelJS from 'exceljs';
import { XLSX_TYPE } from '@urrbmi/files';

export interface XlsxColumn<T> {
  header: string;
  width?: number;
  value: (row: T) => string | number | boolean | null;
}

export interface XlsxDocument {
  filename: string;
  contentType: string;
  body: Buffer;
}

/** One sheet: a title line, a header row, one line per row — what clerks print and file. */
export async function xlsxOf<T>(
  filename: string,
  sheet: string,
  title: string,
  columns: XlsxColumn<T>[],
  rows: T[],
): Promise<XlsxDocument> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(sheet);
  ws.addRow([title]).font = { bold: true };
  ws.addRow(columns.map((c) => c.header)).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => c.value(r)));
  columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width ?? 14));
  return { filename, contentType: XLSX_TYPE, body: Buffer.from(await book.xlsx.writeBuffer()) };
}
