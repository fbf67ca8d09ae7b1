import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DEFAULT_TABULAR_LIMITS, TabularFileError } from './tabular-limits';
import { inspectTabularFile, readTabularRows, XLSX_TYPE } from './tabular-rows';

const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-files-'));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const COLUMNS = { required: ['id_number', 'name'], optional: ['note'] };

async function problem(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (e) {
    if (e instanceof TabularFileError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a TabularFileError');
}

async function xlsx(name: string, rows: string[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  const p = path.join(dir, name);
  await wb.xlsx.writeFile(p);
  return p;
}

describe('bounded reading of uploaded tables', () => {
  it('reads a good CSV and a good workbook, counting rows', async () => {
    const csv = file('ok.csv', '\uFEFFid_number,name\n11010519491231002X,"欧阳,明"\n');
    expect(await inspectTabularFile(csv, 'text/csv', COLUMNS)).toEqual({
      header: ['id_number', 'name'],
      rows: 1,
    });
    const book = await xlsx('ok.xlsx', [
      ['ID_Number', 'Name', 'note'],
      ['11010519491231002X', '张三', ''],
    ]);
    expect(await inspectTabularFile(book, XLSX_TYPE, COLUMNS)).toEqual({
      header: ['id_number', 'name', 'note'],
      rows: 1,
    });
  });

  it('stops a line with no end at the record limit instead of buffering the file', async () => {
    const long = file('one-line.csv', `id_number,name\n${'1'.repeat(200_000)}`);
    expect(await problem(() => inspectTabularFile(long, 'text/csv', COLUMNS))).toEqual({
      code: 'RECORD_TOO_LONG',
      message: `a record is longer than ${DEFAULT_TABULAR_LIMITS.maxRecordChars} characters (line 2); is a newline or a closing quote missing?`,
    });
    const quote = file('open-quote.csv', 'id_number,name\n11010519491231002X,"张三\n');
    expect(await problem(() => inspectTabularFile(quote, 'text/csv', COLUMNS))).toMatchObject({
      code: 'UNCLOSED_QUOTE',
    });
  });

  it('refuses bytes that are not UTF-8 unless the upload says charset=gbk', async () => {
    const gbk = file('gbk.csv', iconv.encode('id_number,name\n11010519491231002X,张三\n', 'gbk'));
    expect(await problem(() => inspectTabularFile(gbk, 'text/csv', COLUMNS))).toEqual({
      code: 'INVALID_UTF8',
      message: 'the file is not valid UTF-8 (near byte 0); send GBK files as text/csv; charset=gbk',
    });
    const rows = [];
    for await (const r of readTabularRows(gbk, 'text/csv; charset=gbk')) rows.push(r.values.name);
    expect(rows).toEqual(['张三']);
  });

  it('refuses a workbook whose shared strings inflate past the limit, before exceljs reads it', async () => {
    const bomb = await xlsx('bomb.xlsx', [
      ['id_number', 'name'],
      ['11010519491231002X', 'a'.repeat(4_000_000)],
    ]);
    const limits = { ...DEFAULT_TABULAR_LIMITS, maxXlsxSharedStringsBytes: 1_000_000 };
    expect(await problem(() => inspectTabularFile(bomb, XLSX_TYPE, COLUMNS, limits))).toEqual({
      code: 'WORKBOOK_TOO_LARGE',
      message: "the workbook's shared strings inflate to more than 1000000 bytes",
    });
    const whole = { ...DEFAULT_TABULAR_LIMITS, maxXlsxInflatedBytes: 2_000_000 };
    expect(await problem(() => inspectTabularFile(bomb, XLSX_TYPE, COLUMNS, whole))).toMatchObject({
      code: 'WORKBOOK_TOO_LARGE',
    });
    const notZip = file('fake.xlsx', 'id_number,name\n');
    expect(await problem(() => inspectTabularFile(notZip, XLSX_TYPE, COLUMNS))).toEqual({
      code: 'NOT_A_WORKBOOK',
      message: 'the file is not an XLSX workbook (not a zip archive)',
    });
  });

  it('stops at the row limit', async () => {
    const many = file('many.csv', `id_number,name\n${'11010519491231002X,x\n'.repeat(5)}`);
    const limits = { ...DEFAULT_TABULAR_LIMITS, maxRows: 3 };
    expect(await problem(() => inspectTabularFile(many, 'text/csv', COLUMNS, limits))).toEqual({
      code: 'TOO_MANY_ROWS',
      message: 'the file has more than 3 rows',
    });
  });

  it('names missing, repeated and unknown columns at once', async () => {
    const bad = file('header.csv', 'ID_NUMBER,id_number,season\n1,2,3\n');
    expect(await problem(() => inspectTabularFile(bad, 'text/csv', COLUMNS))).toEqual({
      code: 'BAD_HEADER',
      message:
        'the header does not match: missing column(s): name; repeated column(s): id_number; unknown column(s): season',
    });
    const empty = file('empty.csv', '');
    expect(await problem(() => inspectTabularFile(empty, 'text/csv', COLUMNS))).toEqual({
      code: 'BAD_HEADER',
      message: 'the file has no header row',
    });
  });
});

/** Rewrites the inflated size the central directory declares for one part, as a crafted zip would. */
function declareSize(zip: Buffer, part: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(0x02014b50 as never); at >= 0;) {
    const nameLength = out.readUInt16LE(at + 28);
    const name = out.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (name === part) out.writeUInt32LE(size, at + 24);
    at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 46);
  }
  return out;
}

describe('hostile workbooks and header edges', () => {
  it('refuses a part whose declared size is over the limit without inflating it, and one that lies', async () => {
    const bomb = await xlsx('declared.xlsx', [
      ['id_number', 'name'],
      ['11010519491231002X', 'b'.repeat(3_000_000)],
    ]);
    const limits = { ...DEFAULT_TABULAR_LIMITS, maxXlsxSharedStringsBytes: 100_000 };
    expect(await problem(() => inspectTabularFile(bomb, XLSX_TYPE, COLUMNS, limits))).toEqual({
      code: 'WORKBOOK_TOO_LARGE',
      message: "the workbook's shared strings inflate to more than 100000 bytes",
    });
    // The same parts declaring a few bytes: the inflation stops as soon as more comes out.
    const { readFileSync } = await import('node:fs');
    const lying = file('lying.xlsx', declareSize(readFileSync(bomb), 'xl/sharedStrings.xml', 200));
    expect(await problem(() => inspectTabularFile(lying, XLSX_TYPE, COLUMNS, limits))).toEqual({
      code: 'NOT_A_WORKBOOK',
      message: 'the XLSX part xl/sharedStrings.xml is damaged',
    });
  });

  it('refuses a workbook of too many parts before reading any', async () => {
    const book = await xlsx('parts.xlsx', [['id_number', 'name']]);
    const limits = { ...DEFAULT_TABULAR_LIMITS, maxXlsxEntries: 3 };
    expect(await problem(() => inspectTabularFile(book, XLSX_TYPE, COLUMNS, limits))).toMatchObject({
      code: 'WORKBOOK_TOO_LARGE',
      message: expect.stringMatching(/^the workbook has \d+ parts, more than 3$/),
    });
  });

  it('takes a formula cell as the value saved with it, and refuses one saved without a value', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['id_number', 'name', 'note']);
    ws.addRow([
      '11010519491231002X',
      { formula: 'CONCAT("张","三")', result: '张三' },
      new Date('2023-10-16'),
    ]);
    ws.addRow([{ richText: [{ text: '1101051949' }, { text: '1231002X' }] }, '李四', '']);
    const cached = path.join(dir, 'formula.xlsx');
    await wb.xlsx.writeFile(cached);
    const rows = [];
    for await (const r of readTabularRows(cached, XLSX_TYPE)) rows.push(r.values);
    expect(rows).toEqual([
      { id_number: '11010519491231002X', name: '张三', note: '2023-10-16' },
      { id_number: '11010519491231002X', name: '李四', note: '' },
    ]);

    ws.addRow(['11010519491231002X', { formula: 'A1&"x"' }, '']);
    const bare = path.join(dir, 'formula-bare.xlsx');
    await wb.xlsx.writeFile(bare);
    expect(await problem(() => inspectTabularFile(bare, XLSX_TYPE, COLUMNS))).toEqual({
      code: 'FORMULA_WITHOUT_VALUE',
      message:
        'cell B4 holds a formula saved without its value; save the file in Excel or WPS, or paste values only',
    });
  });

  it('names the line an unclosed quote opens on, not the last line of the file', async () => {
    const quote = file('open-quote-early.csv', 'id_number,name\n1,a\n2,"b\n3,c\n4,d\n');
    expect(await problem(() => inspectTabularFile(quote, 'text/csv', COLUMNS))).toEqual({
      code: 'UNCLOSED_QUOTE',
      message: 'a quote opened on line 3 is never closed',
    });
  });

  it('ignores empty header cells (a trailing comma) but names every other problem', async () => {
    const trailing = file('trailing.csv', 'id_number,name,,\n11010519491231002X,张三,,\n');
    expect(await inspectTabularFile(trailing, 'text/csv', COLUMNS)).toMatchObject({ rows: 1 });
  });
});
