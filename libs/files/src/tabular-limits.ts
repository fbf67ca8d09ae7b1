import { open as openZip, Entry, ZipFile } from 'yauzl';

/**
 * Limits applied while a tabular file is read, before anything large is held in memory: a file with
 * no newline or one unclosed quote, or an XLSX "zip bomb" whose shared strings inflate to gigabytes,
 * is refused with a reason instead of exhausting the heap.
 */
export interface TabularLimits {
  /** Longest CSV record, in characters. */
  maxRecordChars: number;
  /** Everything inside an XLSX, inflated. */
  maxXlsxInflatedBytes: number;
  /** The shared-strings part of an XLSX, inflated (exceljs keeps every shared string in memory). */
  maxXlsxSharedStringsBytes: number;
  /** Data rows (the header not counted). */
  maxRows: number;
  /** Parts (zip entries) in an XLSX; a real workbook has a few dozen. */
  maxXlsxEntries: number;
}

export const DEFAULT_TABULAR_LIMITS: TabularLimits = {
  maxRecordChars: 64 * 1024,
  maxXlsxInflatedBytes: 512 * 1024 * 1024,
  maxXlsxSharedStringsBytes: 64 * 1024 * 1024,
  maxRows: 5_000_000,
  maxXlsxEntries: 1_000,
};

export type TabularFileProblem =
  | 'RECORD_TOO_LONG'
  | 'UNCLOSED_QUOTE'
  | 'TOO_MANY_ROWS'
  | 'INVALID_UTF8'
  | 'NOT_A_WORKBOOK'
  | 'WORKBOOK_TOO_LARGE'
  | 'FORMULA_WITHOUT_VALUE'
  | 'BAD_HEADER';

/** A file that cannot be read as a table, with the reason a clerk can act on. */
export class TabularFileError extends Error {
  constructor(
    readonly code: TabularFileProblem,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TabularFileError';
  }
}

function openZipFile(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    openZip(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip),
    ),
  );
}

function inflatedSize(zip: ZipFile, entry: Entry, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      let n = 0;
      stream.on('data', (chunk: Buffer) => {
        n += chunk.length;
        if (n > budget) stream.destroy(new Error('over budget'));
      });
      stream.on('error', () => resolve(n > budget ? n : Number.POSITIVE_INFINITY));
      stream.on('end', () => resolve(n));
    });
  });
}

/**
 * Inflates every part of an XLSX once, counting bytes with the limits as a budget, before exceljs
 * reads it. The sizes a zip declares are not trusted: the count is of what actually comes out.
 */
export async function checkWorkbookSize(file: string, limits: TabularLimits): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await openZipFile(file);
  } catch {
    throw new TabularFileError('NOT_A_WORKBOOK', 'the file is not an XLSX workbook (not a zip archive)');
  }
  if (zip.entryCount > limits.maxXlsxEntries) {
    zip.close();
    throw new TabularFileError(
      'WORKBOOK_TOO_LARGE',
      `the workbook has ${zip.entryCount} parts, more than ${limits.maxXlsxEntries}`,
      { parts: zip.entryCount, limitParts: limits.maxXlsxEntries },
    );
  }
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(e);
    };
    zip.on('error', () => fail(new TabularFileError('NOT_A_WORKBOOK', 'the XLSX archive is damaged')));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      const sharedStrings = /(^|\/)sharedStrings\.xml$/i.test(entry.fileName);
      const budget = Math.min(
        limits.maxXlsxInflatedBytes - total,
        sharedStrings ? limits.maxXlsxSharedStringsBytes : Number.POSITIVE_INFINITY,
      );
      // What the central directory declares is refused at once when it is already too much (nothing
      // is inflated); what it declares is otherwise not trusted, the bytes that come out are counted.
      const declared = entry.uncompressedSize > budget ? entry.uncompressedSize : undefined;
      (declared !== undefined ? Promise.resolve(declared) : inflatedSize(zip, entry, budget)).then((n) => {
        if (n === Number.POSITIVE_INFINITY) {
          return fail(new TabularFileError('NOT_A_WORKBOOK', `the XLSX part ${entry.fileName} is damaged`));
        }
        if (sharedStrings && n > limits.maxXlsxSharedStringsBytes) {
          return fail(
            new TabularFileError(
              'WORKBOOK_TOO_LARGE',
              `the workbook's shared strings inflate to more than ${limits.maxXlsxSharedStringsBytes} bytes`,
              { part: entry.fileName, limitBytes: limits.maxXlsxSharedStringsBytes },
            ),
          );
        }
        total += n;
        if (total > limits.maxXlsxInflatedBytes) {
          return fail(
            new TabularFileError(
              'WORKBOOK_TOO_LARGE',
              `the workbook inflates to more than ${limits.maxXlsxInflatedBytes} bytes`,
              { limitBytes: limits.maxXlsxInflatedBytes },
            ),
          );
        }
        zip.readEntry();
      }, fail);
    });
    zip.readEntry();
  });
}
