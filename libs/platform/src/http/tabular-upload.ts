import { Readable } from 'node:stream';
import { FileKind, fileColumns } from '@urrbmi/contracts';
import { FileTooLargeError, inspectTabularFile, StoredFile, UploadStore, XLSX_TYPE } from '@urrbmi/files';
import { DomainError } from '../errors/domain-error';

/**
 * Receives a CSV (UTF-8 or `charset=gbk`) or, where allowed, XLSX request body into `store`, with the
 * HTTP refusals every upload endpoint gives: 415 for another media type, 413 above `maxBytes`,
 * 400 for an empty body.
 *
 * Given the file `kind` (libs/contracts), the whole file is then read once within the reading limits
 * of libs/files before the endpoint sees it: not UTF-8 without `charset=gbk`, a record or a workbook
 * over its limit, too many rows, a formula saved without its value, or a header with missing,
 * repeated or unknown columns is a TabularFileError (422 naming it), and the received file is
 * deleted, so nothing of it is stored.
 */
/** 415 unless the body is CSV (UTF-8 or `charset=gbk`) or, where allowed, XLSX. */
export function assertTabularUploadType(contentType: string, allowXlsx: boolean): void {
  const csv = /^text\/csv\b/i.test(contentType);
  if (!csv && !(allowXlsx && contentType.startsWith(XLSX_TYPE))) {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      allowXlsx
        ? `send text/csv (UTF-8, or charset=gbk) or ${XLSX_TYPE}`
        : 'send text/csv (UTF-8, or charset=gbk)',
      415,
    );
  }
}

export async function receiveTabularUpload(
  store: UploadStore,
  body: Readable,
  contentType: string,
  maxBytes: number,
  allowXlsx: boolean,
  kind?: FileKind,
): Promise<StoredFile> {
  assertTabularUploadType(contentType, allowXlsx);
  let stored: StoredFile;
  try {
    stored = await store.save(body, maxBytes);
  } catch (e) {
    if (e instanceof FileTooLargeError) throw new DomainError('FILE_TOO_LARGE', e.message, 413);
    throw e;
  }
  if (stored.sizeBytes === 0) throw new DomainError('EMPTY_FILE', 'the file is empty', 400);
  if (kind)
    await store.discardIfRefused(stored, () =>
      inspectTabularFile(stored.path, contentType, fileColumns(kind)),
    );
  return stored;
}
