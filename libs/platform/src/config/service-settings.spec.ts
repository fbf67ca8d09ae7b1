import { IsString } from 'class-validator';
import { ConfigError } from './service-config';
import {
  ByteSizeSetting,
  IntegerSetting,
  loadAllSettings,
  loadSettings,
  parseByteSize,
} from './service-settings';

class UploadSettings {
  @ByteSizeSetting(1024)
  UP_MAX_BYTES = 512 * 2 ** 20;

  @IntegerSetting(1000, 3_600_000)
  UP_RETRY_FOR_MS = 300_000;

  @IsString()
  UP_DIR = '/tmp/up';
}

class OtherSettings {
  @IntegerSetting(1, 10)
  OTHER_N = 3;
}

function problems(f: () => unknown): { setting: string; problem: string }[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('byte sizes', () => {
  it.each([
    ['1048576', 1048576],
    ['512MB', 512_000_000],
    ['512 MiB', 512 * 2 ** 20],
    ['1GiB', 2 ** 30],
    ['1gb', 1e9],
    ['64KiB', 65536],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['10B', 10],
  ])('reads %s as %d bytes', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['', 'lots', '512M', '-1', '1e9', '1 GiB of data', 'NaN', '99999999999999999999'])(
    'refuses %j',
    (text) => expect(parseByteSize(text)).toBeUndefined(),
  );
});

describe('declared settings', () => {
  it('fills defaults and reads valid values', () => {
    expect(loadSettings(UploadSettings, {})).toEqual({
      UP_MAX_BYTES: 512 * 2 ** 20,
      UP_RETRY_FOR_MS: 300_000,
      UP_DIR: '/tmp/up',
    });
    const s = loadSettings(UploadSettings, { UP_MAX_BYTES: '1GiB', UP_RETRY_FOR_MS: '5000', UP_DIR: '/x' });
    expect(s).toBeInstanceOf(UploadSettings);
    expect(s).toEqual({ UP_MAX_BYTES: 2 ** 30, UP_RETRY_FOR_MS: 5000, UP_DIR: '/x' });
  });

  it('refuses a size that is not one, naming the variable (Number("512M") would have been NaN: no limit)', () => {
    expect(problems(() => loadSettings(UploadSettings, { UP_MAX_BYTES: '512M' }))).toEqual([
      {
        setting: 'UP_MAX_BYTES',
        problem: 'UP_MAX_BYTES must be a size such as 512MB, 1GiB or a number of bytes',
      },
    ]);
    expect(problems(() => loadSettings(UploadSettings, { UP_MAX_BYTES: '10' }))).toEqual([
      { setting: 'UP_MAX_BYTES', problem: 'UP_MAX_BYTES must be at least 1024 bytes' },
    ]);
  });

  it('names every bad variable of every class at once, never echoing a value', () => {
    const p = problems(() =>
      loadAllSettings([UploadSettings, OtherSettings], {
        UP_RETRY_FOR_MS: 'soon',
        OTHER_N: '11',
        UP_MAX_BYTES: 'secret',
      }),
    );
    expect(p.map((x) => x.setting).sort()).toEqual(['OTHER_N', 'UP_MAX_BYTES', 'UP_RETRY_FOR_MS']);
    expect(JSON.stringify(p)).not.toContain('secret');
    expect(JSON.stringify(p)).not.toContain('soon');
  });
});
