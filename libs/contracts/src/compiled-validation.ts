import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

/** Whether a plain object passes every rule of a class (same answer as `validateSync` with a whitelist). */
export type ValidityCheck = (plain: Record<string, unknown>) => boolean;

interface PropertyRules {
  name: string;
  /** `@IsOptional()` and the like: when any says no, the property's other rules are skipped. */
  conditions: ((object: object, value: unknown) => boolean)[];
  rules: {
    validate(value: unknown, args: ValidationArguments): unknown;
    constraints: unknown[];
    each: boolean;
  }[];
}

const compiled = new WeakMap<object, ValidityCheck | null>();

/**
 * The rules class-validator keeps for a class, read once into a plain function. `validateSync`
 * looks the class's metadata up, groups it, builds an error object per property and copies the
 * object with class-transformer on every call; an event is validated when it is published and
 * again by every consumer, and that bookkeeping was 14.5% of the enrollment consumer's CPU profile.
 * The function calls the very same constraint instances, so the rules have one home (the
 * decorators). Classes it cannot mirror exactly (nested validation, conditional `validateIf`, async rules, class-transformer metadata) get `null`: validate those the slow way.
 * It answers only yes or no; the messages of a refusal still come from class-validator.
 */
export function compiledValidity(cls: new () => object): ValidityCheck | null {
  let check = compiled.get(cls);
  if (check === undefined) {
    check = compile(cls);
    compiled.set(cls, check);
  }
  return check;
}

function compile(cls: new () => object): ValidityCheck | null {
  const storage = getMetadataStorage();
  // The arguments `validateSync` without options uses: no schema, no groups, `always` off.
  const metadatas = storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false);
  if (metadatas.length === 0) return null;
  const grouped = storage.groupByPropertyName(metadatas);
  const properties: PropertyRules[] = [];
  for (const [name, metas] of Object.entries(grouped)) {
    if (hasTransformMetadata(cls, name)) return null;
    const property: PropertyRules = { name, conditions: [], rules: [] };
    for (const m of metas) {
      if (m.validateIf || m.always || m.groups?.length) return null;
      if (m.type === ValidationTypes.WHITELIST) continue;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        property.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
        continue;
      }
      if (m.type !== ValidationTypes.CUSTOM_VALIDATION) return null;
      for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
        if (c.async) return null;
        property.rules.push({
          validate: (value, args) => c.instance.validate(value, args),
          constraints: m.constraints,
          each: Boolean(m.each),
        });
      }
    }
    properties.push(property);
  }
  const allowed = new Set(Object.keys(grouped));
  const targetName = cls.name;
  return (plain) => {
    for (const key of Object.keys(plain)) if (!allowed.has(key)) return false;
    for (const p of properties) {
      const value = plain[p.name];
      if (!p.conditions.every((c) => c(plain, value))) continue;
      for (const r of p.rules) {
        const args = { targetName, property: p.name, object: plain, value, constraints: r.constraints };
        // `each` applies the rule to every element of an array, Set or Map, and to the value otherwise.
        const ok =
          r.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)
            ? [...(value instanceof Map ? value.values() : value)].every((v) => r.validate(v, args))
            : r.validate(value, args);
        if (!ok) return false;
      }
    }
    return true;
  };
}

function hasTransformMetadata(cls: new () => object, property: string): boolean {
  return Boolean(
    defaultMetadataStorage.findTypeMetadata(cls, property) ||
    defaultMetadataStorage.findExposeMetadata(cls, property) ||
    defaultMetadataStorage.findExcludeMetadata(cls, property) ||
    defaultMetadataStorage.findTransformMetadatas(cls, property, TransformationType.PLAIN_TO_CLASS).length,
  );
}
