import { IsString } from 'class-validator';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteSizeSetting } from '@urrbmi/platform';

/** Settings of roster uploads; checked at boot (see ServiceDefinition.settings). */
export class RosterSettings {
  /** Private directory (0700) of uploaded rosters. */
  @IsString()
  ROSTER_STORAGE_DIR = path.join(tmpdir(), 'urrbmi-rosters');

  /** Largest roster accepted (`512MB`, `1GiB` or bytes); larger is 413. */
  @ByteSizeSetting(1024)
  ROSTER_MAX_BYTES = 512 * 2 ** 20;
}
