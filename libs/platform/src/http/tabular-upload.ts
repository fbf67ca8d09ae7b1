import { Readable } from 'node:stream';
import { FileTooLargeError, StoredFile, UploadStore, XLSX_TYPE } from '@urrbmi/files';
import { DomainError } from '../errors/domain-error';

/**
 * Receives a CSV (UTF-8 or `charset=gbk`) or, where allowed, XLSX request body into `store`, with the
 * HTTP refusals every upload endpoint gives: 415 for another media type, 413 above `maxBytes`,
 * 400 for an empty body.
 */
export async function receiveTabularUpload(
  store: UploadStore,
  body: Readable,
  contentType: string,
  maxBytes: number,
  allowXlsx: boolean,
): Promise<StoredFile> {
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
  let stored: StoredFile;
  try {
    stored = await store.save(body, maxBytes);
  } catch (e) {
    if (e instanceof FileTooLargeError) throw new DomainError('FILE_TOO_LARGE', e.message, 413);
    throw e;
  }
  if (stored.sizeBytes === 0) throw new DomainError('EMPTY_FILE', 'the file is empty', 400);
  return stored;
}
