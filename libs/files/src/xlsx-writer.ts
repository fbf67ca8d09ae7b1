import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import { CsvCell } from './csv-writer';

/**
 * The same list as an XLSX workbook, streamed row by row (bounded memory for a county's roster).
 * Cells are written as values, never as formulas, so names are kept exactly — `=SUM(1)` is text.
 */
export class XlsxListWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;

  constructor(out: Writable, sheetName: string, header: readonly string[]) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: false,
      useStyles: false,
    });
    this.sheet = this.workbook.addWorksheet(sheetName);
    this.sheet.addRow([...header]).commit();
  }

  add(rows: Iterable<readonly CsvCell[]>): void {
    for (const r of rows)
      this.sheet
        .addRow(r.map((c) => (c === null || c === undefined ? null : typeof c === 'bigint' ? String(c) : c)))
        .commit();
  }

  async finish(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}

/** A whole list as an XLSX buffer (for short lists answered in one response). */
export async function xlsxBuffer(
  sheetName: string,
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow([...header]);
  for (const r of rows)
    ws.addRow(r.map((c) => (c === null || c === undefined ? null : typeof c === 'bigint' ? String(c) : c)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
