import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationTypes } from 'class-validator';
import fc from 'fast-check';
import { residentIdCheckChar } from '@urrbmi/domain';
import { compiledValidInstance } from './compiled-validation';
import { contractCatalog } from './contract-catalog';
import { EventEnvelope } from './envelope';

const slowValid = (cls: new () => object, plain: object) =>
  validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true }).length === 0;

/** Strings that match the patterns events use, so that generated payloads are often valid. */
const PATTERN_SAMPLES = [
  '620725',
  '620725100',
  '620725100201',
  '620725-2023',
  '2023-10-01',
  '2023-10',
  '2023-10-01T09:00:00.000+08:00',
  '2023-10-01T01:00:00Z',
  'DOUBLE_COVER',
];
const validId = fc.integer({ min: 0, max: 999 }).map((n) => {
  const first17 = `62072519900101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
});
/** Values that break some rule: wrong types, limits, bad dates, a mistyped check digit. */
const hostile = fc.constantFrom<unknown>(
  null,
  undefined,
  '',
  '2023',
  2023,
  -1,
  0,
  1.5,
  2 ** 31,
  Number.NaN,
  'x'.repeat(200),
  {},
  [],
  true,
  '2023-02-30',
  '620725199001011231',
  '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a1',
);

/** A value for one property, read from its class-validator rules: mostly one that passes them. */
function likelyValid(cls: object, property: string): fc.Arbitrary<unknown> {
  const metas = getMetadataStorage()
    .getTargetValidationMetadatas(cls as new () => object, undefined as unknown as string, false, false)
    .filter((m) => m.propertyName === property && m.type === ValidationTypes.CUSTOM_VALIDATION);
  const rule = (name: string): unknown[] | undefined => {
    const m = metas.find((x) => x.name === name);
    return m && ((m.constraints as unknown[] | undefined) ?? []);
  };
  if (rule('isIn')) return fc.constantFrom(...(rule('isIn')![0] as unknown[]));
  if (rule('equals')) return fc.constant(rule('equals')![0]);
  if (rule('isResidentId')) return validId;
  if (rule('isUuid')) return fc.uuid({ version: 4 });
  if (rule('matches')) {
    const re = rule('matches')![0] as RegExp;
    const fits = PATTERN_SAMPLES.filter((s) => re.test(s));
    return fits.length ? fc.constantFrom(...fits) : fc.string();
  }
  if (rule('isInt') || rule('isNumber')) {
    const min = (rule('min')?.[0] as number | undefined) ?? -1000;
    const max = (rule('max')?.[0] as number | undefined) ?? 2 ** 31 - 1;
    return fc.integer({ min, max });
  }
  if (rule('isBoolean')) return fc.boolean();
  if (rule('isArray'))
    return fc.oneof(
      fc.constant([]),
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
      fc.constant(['ok', 7]),
    );
  if (rule('isObject')) return fc.constant({ any: 1 });
  const maxLength = (rule('maxLength')?.[0] as number | undefined) ?? 20;
  return fc.string({ minLength: 1, maxLength: Math.min(maxLength, 40) });
}

function payloads(cls: new () => object): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.keys(
    getMetadataStorage().groupByPropertyName(
      getMetadataStorage().getTargetValidationMetadatas(cls, undefined as unknown as string, false, false),
    ),
  );
  const value = (p: string) =>
    fc.oneof(
      { weight: 30, arbitrary: likelyValid(cls, p).map((v) => ({ v })) },
      { weight: 1, arbitrary: hostile.map((v) => ({ v })) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  return fc
    .tuple(
      fc.tuple(...properties.map(value)),
      fc.oneof(
        { weight: 15, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom('extra', 'amountFen', '__unknown') },
      ),
    )
    .map(([values, extra]) => {
      const o: Record<string, unknown> = {};
      values.forEach((w, i) => {
        if (w) o[properties[i]] = w.v;
      });
      if (extra && !(extra in o)) o[extra] = 1;
      return o;
    });
}

const classes: [string, new () => object][] = [
  ['envelope', EventEnvelope],
  ...contractCatalog()
    .definitions()
    .map((d): [string, new () => object] => [`${d.type}@${d.version}`, d.payloadClass]),
];

/** Classes whose rules the fast path leaves to class-validator: rules on each element. */
const SLOW_ONLY = ['refund.requested@1'];

describe('the compiled fast path on every event class (fast-check)', () => {
  it.each(classes)(
    '%s: accepts only what class-validator accepts, and all of it where it applies',
    (name, cls) => {
      let valid = 0;
      let fastValid = 0;
      fc.assert(
        fc.property(payloads(cls), (plain) => {
          const fast = compiledValidInstance(cls, plain) !== undefined;
          const slow = slowValid(cls, plain);
          // Never accepts what class-validator refuses; where it covers the class, never falls back.
          if (fast) expect(slow).toBe(true);
          if (!SLOW_ONLY.includes(name)) expect(fast).toBe(slow);
          if (slow) valid++;
          if (fast) fastValid++;
        }),
        { numRuns: 400 },
      );
      // The generator reaches both answers, so the comparison means something (it writes no valid
      // nested plan lines: refund.plan.submitted is checked for refusals only).
      if (name === 'refund.plan.submitted@1') return;
      expect(valid).toBeGreaterThan(10);
      expect(valid).toBeLessThan(400);
      if (!SLOW_ONLY.includes(name)) expect(fastValid).toBe(valid);
    },
  );
});
