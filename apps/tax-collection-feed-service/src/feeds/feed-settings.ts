import { IsString } from 'class-validator';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteSizeSetting, IntegerSetting } from '@urrbmi/platform';

/** Settings of the daily feed upload and its file job; checked at boot (see ServiceDefinition.settings). */
export class FeedSettings {
  /** Private directory (0700) of raw feeds, kept byte for byte until the retention below. */
  @IsString()
  FEED_STORAGE_DIR = path.join(tmpdir(), 'urrbmi-tax-feeds');

  /** Largest feed accepted; larger is 413. */
  @ByteSizeSetting(1024)
  FEED_MAX_BYTES = 2 ** 30;

  /**
   * A feed larger than this answers `202` with its status URL as soon as it is stored and its
   * control totals match; smaller ones answer with the final counts.
   */
  @ByteSizeSetting(0)
  FEED_ASYNC_ABOVE_BYTES = 16 * 2 ** 20;

  /** How long a chunk is retried while the database is away or busy before the feed is FAILED. */
  @IntegerSetting(0, 86_400_000)
  FEED_RETRY_FOR_MS = 5 * 60_000;

  /** Starts on a feed without its checkpoint moving (crashes, kills) before it is set aside. */
  @IntegerSetting(1, 100)
  FEED_MAX_ATTEMPTS = 3;

  /** Raw files of finished feeds are deleted this many days after they finished. */
  @IntegerSetting(1, 3650)
  FEED_RAW_RETENTION_DAYS = 90;
}
