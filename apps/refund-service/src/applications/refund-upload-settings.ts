import { IsString } from 'class-validator';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteSizeSetting } from '@urrbmi/platform';

/** Refund batch uploads; checked at boot (ServiceDefinition.settings). */
export class RefundUploadSettings {
  /** Private directory (0700) of uploaded refund batch files. */
  @IsString()
  REFUND_BATCH_STORAGE_DIR = path.join(tmpdir(), 'urrbmi-refund-batches');

  /** Largest refund batch file accepted; larger is 413. `64MiB`, `64MB` or bytes. */
  @ByteSizeSetting(1024)
  REFUND_BATCH_MAX_BYTES = 64 * 2 ** 20;
}
