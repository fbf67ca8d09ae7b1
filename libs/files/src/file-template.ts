import ExcelJS from 'exceljs';
import { csvLine } from './csv-writer';

/** What a template is made from (libs/contracts' FileFormat, without depending on it). */
export interface TemplateSpec {
  titleZh: string;
  titleEn: string;
  endpoint: string;
  headers: Record<string, string>;
  columns: { name: string; required: boolean; zh: string; en: string; example: string }[];
}

/** The header row and the example row, as UTF-8 CSV with a BOM so spreadsheet programs read Chinese. */
export function templateCsv(spec: TemplateSpec): string {
  return `\uFEFF${csvLine(spec.columns.map((c) => c.name))}${csvLine(spec.columns.map((c) => c.example))}`;
}

/**
 * The same as a workbook: the first sheet is the file to fill (header, example row), the second
 * explains every column in Chinese and English, where the file goes and with which headers.
 */
export async function templateXlsx(spec: TemplateSpec): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('模板 template');
  sheet.addRow(spec.columns.map((c) => c.name));
  sheet.addRow(spec.columns.map((c) => c.example));
  // Text, not General: an ID number or a voucher must not turn into a rounded number.
  spec.columns.forEach((_, i) => (sheet.getColumn(i + 1).numFmt = '@'));
  const help = wb.addWorksheet('说明 columns');
  help.addRow([`${spec.titleZh} / ${spec.titleEn}`]);
  help.addRow(['上传 / upload to', spec.endpoint]);
  for (const [name, value] of Object.entries(spec.headers)) help.addRow(['请求头 / header', name, value]);
  help.addRow([]);
  help.addRow(['列名 column', '必填 required', '说明', 'description', '示例 example']);
  for (const c of spec.columns) help.addRow([c.name, c.required ? '是 yes' : '否 no', c.zh, c.en, c.example]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
