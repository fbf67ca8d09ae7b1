import { TransformationType } from 'class-transformer';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

/**
 * A fast path in front of class-transformer + class-validator, for the way this code base uses them:
 * `plainToInstance` without options (or with `exposeDefaultValues`), then validation with
 * `whitelist` and `forbidNonWhitelisted`, no groups, no skip options.
 *
 * Per call, class-validator looks up the class's rules among every class it knows (a walk over
 * all of them, for inheritance), groups them, and builds an error object per property even when
 * nothing is wrong; class-transformer looks up its own metadata per key. Under load that was the
 * largest single cost of a registration after the framework (about 15% of the service's CPU: the
 * request body, then the event payload). Here the rules are looked up once per class, from
 * class-validator's own metadata storage, and a call runs the same constraint functions on the
 * same instance that class-transformer would build.
 *
 * The fast path only ever says "valid, here is the instance". Whatever it does not cover (a value
 * that is an object, an array or a Date, an unknown key, an async rule, a class with
 * class-transformer decorators on a given key) and every failure return `undefined`: the caller
 * then runs class-transformer and class-validator as before, which decide and word the refusal.
 *
 * Nested objects are covered where a key has `@ValidateNested` and a plain `@Type(() => C)` (no
 * discriminator): an array of them or a single one, each element built and checked as a `C` by this
 * same path. An element that is already an instance of exactly `C` which this path (or the event
 * catalog) built and found valid is taken as it is, not checked again: a consumer's command
 * wrapping the payloads the catalog has just validated (validated once where they enter). Such an
 * element is shared, not copied as class-transformer would; payloads are not changed after parsing.
 */

interface ConstraintCheck {
  validate(value: unknown, args: ValidationArguments): unknown;
  propertyName: string;
  constraints: unknown[];
  each: boolean;
  validateIf?: (object: object, value: unknown) => boolean;
}

interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  defined: ConstraintCheck[];
  custom: ConstraintCheck[];
  nested: boolean;
  /** Has class-transformer @Type metadata: the fast path takes it only when absent... */
  typed: boolean;
  /** ...or when it names a class, with nested rules: the class of the key's element(s). */
  element?: new () => object;
}

interface ClassPlan {
  properties: PropertyPlan[];
  known: Map<string, PropertyPlan>;
}

/** The part of class-transformer's metadata storage read here (not in its public typings). */
interface TransformerMetadata {
  getStrategy(target: object): string;
  getExposedProperties(target: object, t: TransformationType): string[];
  getExcludedProperties(target: object, t: TransformationType): string[];
  findTransformMetadatas(target: object, property: string, t: TransformationType): unknown[];
  findTypeMetadata(
    target: object,
    property: string,
  ): { typeFunction: (options?: unknown) => unknown; options?: { discriminator?: unknown } } | undefined;
}
// class-transformer exports its metadata storage only by path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadata;
};
const transformerMetadata = transformerStorage.defaultMetadataStorage;

const plans = new WeakMap<object, ClassPlan | null>();

/** Instances this path built and found valid (see "Nested objects" above). */
const validInstances = new WeakSet<object>();

/** Records an instance the caller built and found valid with the same options (the catalog's slow path). */
export function rememberValid<T extends object>(instance: T): T {
  validInstances.add(instance);
  return instance;
}

/** The class a `@Type(() => C)` names, when it is a plain one (no discriminator). */
function elementClass(cls: new () => object, property: string): (new () => object) | undefined {
  const meta = transformerMetadata.findTypeMetadata(cls, property);
  if (!meta || meta.options?.discriminator) return undefined;
  const target = meta.typeFunction();
  return typeof target === 'function' && target !== Object && target !== Array && target !== Date
    ? (target as new () => object)
    : undefined;
}

function isPromiseLike(v: unknown): boolean {
  return (
    v instanceof Promise ||
    (v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function')
  );
}

/** The class's rules as class-validator would apply them, or null when the fast path does not cover it. */
function compile(cls: new () => object): ClassPlan | null {
  const storage = getMetadataStorage();
  // The same arguments ValidationExecutor passes without groups, `always` or `strictGroups`.
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  if (metadatas.length === 0) return null;
  const p2c = TransformationType.PLAIN_TO_CLASS;
  if (
    transformerMetadata.getStrategy(cls) !== 'none' ||
    transformerMetadata.getExposedProperties(cls, p2c).length > 0 ||
    transformerMetadata.getExcludedProperties(cls, p2c).length > 0
  )
    return null;
  const grouped = storage.groupByPropertyName(metadatas);
  const properties: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    // class-transformer skips keys the prototype defines (accessors, methods): leave those to it.
    if (name in cls.prototype || name === '__proto__' || name === 'constructor') return null;
    if (transformerMetadata.findTransformMetadatas(cls, name, p2c).length > 0) return null;
    const plan: PropertyPlan = {
      name,
      conditions: [],
      defined: [],
      custom: [],
      nested: false,
      typed: transformerMetadata.findTypeMetadata(cls, name) !== undefined,
    };
    for (const m of list) {
      switch (m.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION:
          plan.conditions.push(m.constraints[0] as PropertyPlan['conditions'][number]);
          break;
        case ValidationTypes.NESTED_VALIDATION:
          plan.nested = true;
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION:
          for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
            if (c.async) return null;
            const instance = c.instance;
            (m.type === ValidationTypes.IS_DEFINED ? plan.defined : plan.custom).push({
              validate: (value, args) => instance.validate(value, args),
              propertyName: m.propertyName,
              constraints: m.constraints,
              each: m.each,
              validateIf: m.validateIf,
            });
          }
          break;
        default:
          return null; // PROMISE_VALIDATION and anything newer
      }
    }
    if (plan.typed && plan.nested) plan.element = elementClass(cls, name);
    properties.push(plan);
  }
  return { properties, known: new Map(properties.map((p) => [p.name, p])) };
}

function planOf(cls: new () => object): ClassPlan | null {
  let plan = plans.get(cls);
  if (plan === undefined) {
    plan = compile(cls);
    plans.set(cls, plan);
  }
  return plan;
}

function passes(object: object, value: unknown, checks: ConstraintCheck[]): boolean {
  for (const c of checks) {
    if (c.validateIf && !c.validateIf(object, value)) continue;
    if (c.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) return false;
    const ok = c.validate(value, {
      targetName: object.constructor?.name,
      property: c.propertyName,
      object,
      value,
      constraints: c.constraints,
    });
    if (!ok || isPromiseLike(ok)) return false;
  }
  return true;
}

/**
 * The instance `plainToInstance(cls, plain, { exposeDefaultValues })` would build, when class-validator
 * with `whitelist` and `forbidNonWhitelisted` would find nothing wrong with it and the fast path
 * covers the case; `undefined` otherwise (then run the full path, which also words the errors).
 */
export function compiledValidInstance<T extends object>(
  cls: new () => T,
  plain: object,
  options: { exposeDefaultValues?: boolean } = {},
): T | undefined {
  const plan = planOf(cls);
  if (!plan) return undefined;
  const keys = Object.keys(plain);
  for (const key of keys) {
    const property = plan.known.get(key);
    if (!property) return undefined;
    const v = (plain as Record<string, unknown>)[key];
    if (property.element && v !== null && typeof v === 'object') continue; // built below
    // Arrays, dates and class instances are copied or converted by class-transformer: left to it.
    // A plain object under a key without @Type or nested rules (an envelope's payload) is copied as
    // a plain object with the same values, so it is validated as it stands.
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) !== Object.prototype)
      return undefined;
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return undefined;
  }
  const instance = new cls() as Record<string, unknown>;
  for (const key of keys) {
    let v = (plain as Record<string, unknown>)[key];
    if (v === undefined && options.exposeDefaultValues) continue; // keeps the class's default
    if (instance[key] instanceof Function) return undefined; // class-transformer would skip the key
    const element = plan.known.get(key)!.element;
    if (element && v !== null && typeof v === 'object') {
      v = Array.isArray(v) ? nestedArray(element, v, options) : nestedOne(element, v, options);
      if (v === undefined) return undefined;
    }
    instance[key] = v;
  }
  // class-validator's whitelist looks at the instance (a class default without rules counts too).
  for (const key of Object.keys(instance)) if (!plan.known.has(key)) return undefined;
  for (const p of plan.properties) {
    const value = instance[p.name];
    const built = p.element !== undefined && value !== null && typeof value === 'object';
    if (p.typed && !built && value !== undefined) return undefined;
    if (value !== null && typeof value === 'object' && (p.typed || p.nested) && !built) return undefined;
    if (!p.conditions.every((c) => c(instance, value))) continue;
    if (!passes(instance, value, p.defined)) return undefined;
    if (!passes(instance, value, p.custom)) return undefined;
    if (p.nested && value !== undefined && !built) return undefined;
  }
  validInstances.add(instance);
  return instance as T;
}

function nestedOne(
  cls: new () => object,
  value: object,
  options: { exposeDefaultValues?: boolean },
): object | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === cls.prototype && validInstances.has(value)) return value;
  if (proto !== Object.prototype && proto !== cls.prototype) return undefined;
  return compiledValidInstance(cls, value, options);
}

/** class-transformer builds each element of a `@Type` array; class-validator then checks each. */
function nestedArray(
  cls: new () => object,
  values: unknown[],
  options: { exposeDefaultValues?: boolean },
): object[] | undefined {
  if (Object.getPrototypeOf(values) !== Array.prototype) return undefined;
  const out: object[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const built = nestedOne(cls, v, options);
    if (!built) return undefined;
    out[i] = built;
  }
  return out;
}
