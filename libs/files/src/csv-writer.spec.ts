import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { csvDocument, csvLine, neutraliseFormula } from './csv-writer';
import { xlsxBuffer, XlsxListWriter } from './xlsx-writer';

describe('CSV that clerks open (RFC 4180, no formula injection)', () => {
  it('keeps commas, quotes and line breaks inside names exactly', () => {
    const text = csvDocument(
      ['id', 'name'],
      [
        ['1', '欧阳,明'],
        ['2', '王"小"二'],
        ['3', '多行\n名字'],
      ],
    );
    expect(text).toBe('id,name\r\n1,"欧阳,明"\r\n2,"王""小""二"\r\n3,"多行\n名字"\r\n');
    expect(parse(text, { columns: true })).toEqual([
      { id: '1', name: '欧阳,明' },
      { id: '2', name: '王"小"二' },
      { id: '3', name: '多行\n名字' },
    ]);
  });

  it('neutralises text cells that a spreadsheet would run as a formula, not numbers', () => {
    expect(csvLine(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tx', 'ok', -38000, null])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),'\tx,ok,-38000,\r\n`,
    );
    expect(neutraliseFormula('张三')).toBe('张三');
  });

  it('any text that does not start a formula comes back byte for byte through csv-parse (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 2, maxLength: 2 }), {
          maxLength: 20,
        }),
        (rows) => {
          const text = csvDocument(['a', 'b'], rows);
          const back = parse(text, { columns: true, bom: true }) as { a: string; b: string }[];
          return (
            back.length === rows.length &&
            back.every(
              (r, i) => r.a === neutraliseFormula(rows[i][0]) && r.b === neutraliseFormula(rows[i][1]),
            )
          );
        },
      ),
    );
  });

  it('writes the same list as XLSX with the names unchanged and no formula cells', async () => {
    const read = async (buf: Buffer) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      const rows: unknown[][] = [];
      ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const rows = [
      ['1', '欧阳,明', 38000],
      ['2', '=1+2', -100],
    ];
    expect(await read(await xlsxBuffer('list', ['id', 'name', 'fen'], rows))).toEqual([
      ['id', 'name', 'fen'],
      ...rows,
    ]);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const w = new XlsxListWriter(out, 'list', ['id', 'name', 'fen']);
    w.add(rows);
    await w.finish();
    expect(await read(Buffer.concat(chunks))).toEqual([['id', 'name', 'fen'], ...rows]);
  });
});
