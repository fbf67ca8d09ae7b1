import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { compiledValidInstance, rememberValid } from './compiled-validation';
import { EventDefinition, EventEnvelope } from './envelope';

export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(`${message}: ${details.join('; ')}`);
    this.name = 'EventValidationError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Validates a plain object against a class-validator class; returns the instance or throws. */
export function validateAs<T extends object>(cls: new () => T, plain: unknown, what: string): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new EventValidationError(`${what} is not a JSON object`, [typeof plain]);
  }
  const fast = compiledValidInstance(cls, plain);
  if (fast) return fast;
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new EventValidationError(`invalid ${what}`, flatten(errors));
  return rememberValid(instance);
}

/**
 * The event types and versions a producer may publish and a consumer knows how to read.
 * A consumer meeting an unknown (type, version) treats the message as poison.
 */
export class EventCatalog {
  private readonly defs = new Map<string, EventDefinition<object>>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of different payload types
  constructor(defs: EventDefinition<any>[] = []) {
    for (const d of defs) this.register(d);
  }

  register<P extends object>(def: EventDefinition<P>): this {
    const id = `${def.type}@${def.version}`;
    if (this.defs.has(id)) throw new Error(`event ${id} registered twice`);
    this.defs.set(id, def as unknown as EventDefinition<object>);
    return this;
  }

  get(type: string, version: number): EventDefinition<object> {
    const def = this.defs.get(`${type}@${version}`);
    if (!def) throw new EventValidationError('unknown event', [`${type} version ${version}`]);
    return def;
  }

  /** Every registered (type, version), in registration order. */
  definitions(): EventDefinition<object>[] {
    return [...this.defs.values()];
  }

  has(type: string, version: number): boolean {
    return this.defs.has(`${type}@${version}`);
  }

  /** Validates a payload for publishing; returns the validated payload and its key. */
  preparePayload<P extends object>(type: string, version: number, payload: P): { payload: P; key: string } {
    const def = this.get(type, version);
    const valid = validateAs(def.payloadClass, payload, `${type}@${version} payload`) as P;
    return { payload: valid, key: (def as unknown as EventDefinition<P>).keyOf(valid) };
  }

  /** Parses and validates a consumed message value: envelope, then payload for its type. */
  parse(raw: Buffer | string | null): EventEnvelope<object> {
    if (raw === null) throw new EventValidationError('empty message', ['value is null']);
    let json: unknown;
    try {
      json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch (e) {
      throw new EventValidationError('message is not JSON', [(e as Error).message]);
    }
    const envelope = validateAs(EventEnvelope, json, 'envelope') as EventEnvelope<object>;
    const def = this.get(envelope.type, envelope.version);
    envelope.payload = validateAs(
      def.payloadClass,
      envelope.payload,
      `${envelope.type}@${envelope.version} payload`,
    );
    return envelope;
  }
}
