import { IsString } from 'class-validator';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteSizeSetting, IntegerSetting } from '@urrbmi/platform';

/** Settings of roster uploads and their file job; checked at boot (see ServiceDefinition.settings). */
export class RosterSettings {
  /** Private directory (0700) of uploaded rosters, kept byte for byte until the retention below. */
  @IsString()
  ROSTER_STORAGE_DIR = path.join(tmpdir(), 'urrbmi-rosters');

  /** Largest roster accepted (`512MB`, `1GiB` or bytes); larger is 413. */
  @ByteSizeSetting(1024)
  ROSTER_MAX_BYTES = 512 * 2 ** 20;

  /**
   * A roster larger than this answers `202` with its status URL as soon as it is stored and read
   * through once (encoding, records, header); smaller ones answer once staged, as before.
   */
  @ByteSizeSetting(0)
  ROSTER_ASYNC_ABOVE_BYTES = 16 * 2 ** 20;

  /** How long a chunk is retried while the database is away or busy before the upload is FAILED. */
  @IntegerSetting(0, 86_400_000)
  ROSTER_RETRY_FOR_MS = 5 * 60_000;

  /** Starts on a roster without its checkpoint moving (crashes, kills) before it is set aside. */
  @IntegerSetting(1, 100)
  ROSTER_MAX_ATTEMPTS = 3;

  /** Raw files of finished roster uploads are deleted this many days after they finished. */
  @IntegerSetting(1, 3650)
  ROSTER_RAW_RETENTION_DAYS = 90;
}
