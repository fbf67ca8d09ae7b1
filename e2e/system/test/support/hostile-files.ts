import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Entry, fromBuffer } from 'yauzl';
import { FILE_FORMATS, FileKind } from '@urrbmi/contracts';
import { XLSX_TYPE } from '@urrbmi/files';

/**
 * The hostile corpus: files a department's tool (or someone crafting one) could send, built at test
 * time from the contract's own columns and example rows (libs/contracts FILE_FORMATS) rather than
 * committed as binaries — a 100 MB line and a workbook whose shared strings inflate to 100 MB
 * compress to almost nothing here and cost nothing in the repository.
 */
export interface HostileFile {
  body: Buffer;
  contentType: string;
}

const CSV = 'text/csv';

/** The contract's header and example row of `kind`, with some cells replaced. */
export function exampleRow(kind: FileKind, cells: Record<string, string> = {}): string[] {
  return FILE_FORMATS[kind].columns.map((c) => cells[c.name] ?? c.example);
}

export function headerOf(kind: FileKind): string[] {
  return FILE_FORMATS[kind].columns.map((c) => c.name);
}

const csvText = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

/** A file of `kind` with its contract header and the given rows, as UTF-8 CSV. */
export function csvOf(kind: FileKind, rows: string[][], header = headerOf(kind)): HostileFile {
  return { body: Buffer.from(csvText([header, ...rows])), contentType: CSV };
}

/** The header, then one record of `bytes` characters with no line break after it. */
export function singleLine(kind: FileKind, bytes = 100 * 1024 * 1024): HostileFile {
  const head = Buffer.from(headerOf(kind).join(',') + '\n');
  return { body: Buffer.concat([head, Buffer.alloc(bytes, 0x31)]), contentType: CSV };
}

/** The example row with a quote opened in its first cell and never closed, then more rows. */
export function openQuote(kind: FileKind): HostileFile {
  const row = exampleRow(kind);
  row[0] = `"${row[0]}`;
  return csvOf(kind, [row, exampleRow(kind), exampleRow(kind)]);
}

/** The example row (with Chinese text) encoded as GBK, sent as plain `text/csv` with no charset. */
export function gbkWithoutCharset(kind: FileKind): HostileFile {
  const text = csvText([headerOf(kind), exampleRow(kind)]);
  if (!/[^\x00-\x7f]/.test(text)) throw new Error(`the ${kind} example has no Chinese text to encode`);
  return { body: iconv.encode(text, 'gbk'), contentType: CSV };
}

/** The header with its first column written twice. */
export function duplicateHeader(kind: FileKind): HostileFile {
  const header = headerOf(kind);
  return csvOf(kind, [[...exampleRow(kind), exampleRow(kind)[0]]], [...header, header[0].toUpperCase()]);
}

/** The header without `column` (and the rows without its cell). */
export function missingHeader(kind: FileKind, column: string): HostileFile {
  const keep = headerOf(kind).map((c) => c !== column);
  return csvOf(
    kind,
    [exampleRow(kind).filter((_, i) => keep[i])],
    headerOf(kind).filter((_, i) => keep[i]),
  );
}

/** The header with a column the contract does not know. */
export function unknownHeader(kind: FileKind, column = 'remarks_2'): HostileFile {
  return csvOf(kind, [[...exampleRow(kind), 'x']], [...headerOf(kind), column]);
}

type Cell = string | { formula: string; result?: string };

/** A workbook of `kind`: the contract header, then rows whose cells may be formulas. */
export async function workbookOf(kind: FileKind, rows: Cell[][]): Promise<HostileFile> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(headerOf(kind));
  for (const r of rows) ws.addRow(r);
  return { body: Buffer.from(await wb.xlsx.writeBuffer()), contentType: XLSX_TYPE };
}

interface ZipPart {
  name: string;
  data: Buffer;
  /** The inflated size the archive declares (a crafted archive may lie); the true size by default. */
  declaredSize?: number;
}

async function unzip(file: Buffer): Promise<ZipPart[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const parts: ZipPart[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(parts));
      zip.on('entry', (entry: Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            parts.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** A plain zip (deflate, no data descriptors) whose headers declare what each part says. */
function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const packed = deflateRawSync(p.data);
    const size = p.declaredSize ?? p.data.length;
    const crc = crc32(p.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * An XLSX bomb: the example workbook of `kind` whose shared strings hold one more string of
 * `inflatedBytes` characters — about 100 KB on the wire, 100 MB once inflated, the kind of part
 * exceljs would keep whole in memory. `lying` declares the part's original small size instead, as a
 * crafted archive would to slip past a check of what the zip declares.
 */
export async function xlsxBomb(
  kind: FileKind,
  { inflatedBytes = 100 * 1024 * 1024, lying = false } = {},
): Promise<HostileFile> {
  const book = await workbookOf(kind, [exampleRow(kind)]);
  const parts = await unzip(book.body);
  const shared = parts.find((p) => p.name === 'xl/sharedStrings.xml');
  if (!shared) throw new Error('the example workbook has no shared strings');
  const original = shared.data.length;
  const xml = shared.data.toString('utf8');
  const at = xml.lastIndexOf('</sst>');
  shared.data = Buffer.concat([
    Buffer.from(xml.slice(0, at) + '<si><t>'),
    Buffer.alloc(inflatedBytes, 0x41),
    Buffer.from('</t></si>' + xml.slice(at)),
  ]);
  if (lying) shared.declaredSize = original;
  return { body: zip(parts), contentType: XLSX_TYPE };
}

/**
 * The same workbook with its parts in another order: `first` (zip paths) moved to the front. Excel
 * and exceljs write the sheet before the shared strings, WPS and others the other way round; a
 * reader streams the sheet in one case and sets it aside until the strings are read in the other.
 */
export async function withPartsFirst(workbook: Buffer, first: string[]): Promise<Buffer> {
  const parts = await unzip(workbook);
  const rank = (p: ZipPart) => (first.includes(p.name) ? first.indexOf(p.name) : first.length);
  return zip([...parts].sort((a, b) => rank(a) - rank(b)));
}
