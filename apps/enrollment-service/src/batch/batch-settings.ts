import { IsString } from 'class-validator';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteSizeSetting, IntegerSetting } from '@urrbmi/platform';

/** Settings of enrollment batch uploads and their file job; checked at boot (ServiceDefinition.settings). */
export class BatchSettings {
  /** Private directory (0700) of uploaded batch files, kept until the retention below. */
  @IsString()
  BATCH_STORAGE_DIR = path.join(tmpdir(), 'urrbmi-enrollment-batches');

  /** Largest batch file accepted; larger is 413. */
  @ByteSizeSetting(1024)
  BATCH_MAX_BYTES = 512 * 2 ** 20;

  /** How long a chunk is retried while the database is away or busy before the batch is FAILED. */
  @IntegerSetting(0, 86_400_000)
  BATCH_RETRY_FOR_MS = 5 * 60_000;

  /** Starts on a batch without its checkpoint moving (crashes, kills) before it is set aside. */
  @IntegerSetting(1, 100)
  BATCH_MAX_ATTEMPTS = 3;

  /** Raw files of finished batches are deleted this many days after they finished. */
  @IntegerSetting(1, 3650)
  BATCH_RAW_RETENTION_DAYS = 90;
}
