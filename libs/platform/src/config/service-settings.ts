import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, Max, Min, validateSync } from 'class-validator';
import { ConfigError } from './service-config';

/**
 * A class of settings one service (or one feature) declares: each property is an environment
 * variable of the same name with its default, checked with class-validator decorators. Listed in the
 * service definition's `settings`, it is read and validated at boot (before anything connects; a
 * bad value stops the service naming the variable) and injected like any provider.
 */
export type SettingsClass<T extends object = object> = new () => T;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * `512MB` (10^6), `1GiB` (2^30), `1.5 GB`, or a plain number of bytes; undefined for anything else
 * (`512M`, `-1`, `lots`). Decimal and binary units as IEC 80000-13 defines them.
 */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Number(m[1]) * unit;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined;
}

/** An integer setting (milliseconds, days, counts) between `min` and `max`. */
export function IntegerSetting(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => (value === undefined || typeof value === 'number' ? value : Number(value)))(
      target,
      key,
    );
    IsInt({ message: '$property must be an integer' })(target, key);
    Min(min, { message: `$property must be at least ${min}` })(target, key);
    Max(max, { message: `$property must be at most ${max}` })(target, key);
  };
}

/** A size in bytes, written `512MB`, `1GiB` or as plain bytes, between `min` and `max` bytes. */
export function ByteSizeSetting(min: number, max: number = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) =>
      value === undefined || typeof value === 'number' ? value : (parseByteSize(String(value)) ?? Number.NaN),
    )(target, key);
    IsInt({ message: '$property must be a size such as 512MB, 1GiB or a number of bytes' })(target, key);
    Min(min, { message: `$property must be at least ${min} bytes` })(target, key);
    Max(max, { message: `$property must be at most ${max} bytes` })(target, key);
  };
}

function problemsOf<T extends object>(type: SettingsClass<T>, env: NodeJS.ProcessEnv) {
  const plain: Record<string, string> = {};
  for (const k of Object.keys(new type())) {
    const v = env[k];
    if (v !== undefined && v !== '') plain[k] = v;
  }
  const settings = plainToInstance(type, plain, { exposeDefaultValues: true });
  const errors = validateSync(settings, { stopAtFirstError: true });
  const problems = errors.map((e) => ({
    setting: e.property,
    problem: Object.values(e.constraints ?? {}).join(', '),
  }));
  return { settings, problems };
}

/** Reads one settings class from the environment; a ConfigError names every bad variable. */
export function loadSettings<T extends object>(
  type: SettingsClass<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  return loadAllSettings([type], env)[0] as T;
}

/** Reads every settings class of a service at once, so one ConfigError names all bad variables. */
export function loadAllSettings(
  types: readonly SettingsClass[],
  env: NodeJS.ProcessEnv = process.env,
): object[] {
  const loaded = types.map((t) => problemsOf(t, env));
  const problems = loaded.flatMap((l) => l.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return loaded.map((l) => l.settings);
}
