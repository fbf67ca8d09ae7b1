import { StreamableFile } from '@nestjs/common';
import { XlsxDocument } from './xlsx';

/** An export as the HTTP answer, named for download. */
export function sendFile(doc: XlsxDocument): StreamableFile {
  return new StreamableFile(doc.body, {
    type: doc.contentType,
    disposition: `attachment; filename="${encodeURIComponent(doc.filename)}"`,
  });
}
