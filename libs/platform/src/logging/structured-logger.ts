import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { maskResidentIdsInText } from '@urrbmi/domain';

function errorFields(e: Error): object {
  return { name: e.name, message: e.message, stack: e.stack };
}

/** Characters JSON.stringify escapes (or may): a string holding one is left to the JSON round trip. */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The masked copy `masked` would make, for the common case of a string or a flat object of strings,
 * small numbers, booleans and nulls (the request line, most fields), without the JSON round trip:
 * masking each string alone finds what masking the JSON text finds, because every character that
 * separates JSON values (`"`, `:`, `,`, braces) ends a run of ID characters, and such a string reads
 * the same inside the JSON text. Anything else answers `undefined`, and takes the round trip.
 */
function maskedFlat(value: unknown): { copy: unknown } | undefined {
  if (typeof value === 'string') {
    return JSON_ESCAPED.test(value) ? undefined : { copy: maskResidentIdsInText(value) };
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return undefined;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__' || JSON_ESCAPED.test(k) || maskResidentIdsInText(k) !== k) return undefined;
    if (typeof v === 'string') {
      if (JSON_ESCAPED.test(v)) return undefined;
      copy[k] = maskResidentIdsInText(v);
    } else if (typeof v === 'number') {
      // Below 1e15 no number prints a run of 18 digits; NaN and Infinity would become null.
      if (!(Math.abs(v) < 1e15)) return undefined;
      copy[k] = v;
    } else if (typeof v === 'boolean' || v === null) copy[k] = v;
    else if (v !== undefined) return undefined; // undefined: JSON leaves the key out, as here
  }
  return { copy };
}

function masked(value: unknown): unknown {
  if (value === undefined) return undefined;
  const flat = maskedFlat(value);
  if (flat) return flat.copy;
  // Errors have no enumerable fields: spell them out wherever they sit, then mask the whole text.
  // A number of 16 digits or more is written as a string first: masked inside a JSON number it
  // would leave text that is no longer JSON (an ID number sent as a number made the logger throw).
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Error
      ? errorFields(v)
      : typeof v === 'number' && Number.isFinite(v) && Math.abs(v) >= 1e15
        ? String(v)
        : v,
  );
  return JSON.parse(maskResidentIdsInText(text));
}

/**
 * JSON lines on stdout. Every message and field passes through the resident-ID mask, whatever the
 * caller put in it: logs are read by many and kept long.
 */
export class StructuredLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(service: string, level = 'info', destination?: pino.DestinationStream) {
    this.pino = pino(
      { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'message' },
      destination ?? pino.destination({ dest: 1, sync: false }),
    );
  }

  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    fields?: unknown,
  ): void {
    const text = maskResidentIdsInText(typeof message === 'string' ? message : JSON.stringify(message));
    const extra =
      fields && typeof fields === 'object'
        ? (masked(fields) as object)
        : fields !== undefined
          ? { context: masked(fields) }
          : {};
    this.pino[level](extra, text);
  }

  info(message: string, fields?: object): void {
    this.write('info', message, fields);
  }

  // Nest's LoggerService: log(message, ...optionalParams) where the last param is the context.
  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional.length ? { context: optional[optional.length - 1] } : undefined);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional[0]);
  }

  error(message: unknown, ...optional: unknown[]): void {
    const [first] = optional;
    this.write(
      'error',
      message,
      typeof first === 'string' && first.includes('\n') ? { stack: first } : first,
    );
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional[0]);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional[0]);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional[0]);
  }

  flush(): void {
    this.pino.flush();
  }
}
