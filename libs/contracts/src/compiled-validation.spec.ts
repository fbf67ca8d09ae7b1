import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { contractCatalog } from './contract-catalog';
import { compiledValidInstance } from './compiled-validation';
import { EnrollmentRegistered } from './events/enrollment-registered/enrollment-registered.event';
import { IsResidentId } from './validators';

class History {
  @Max(80)
  @Min(0)
  @IsInt()
  years!: number;
}

class Registration {
  @IsResidentId()
  idNumber!: string;

  @MaxLength(10)
  @MinLength(1)
  @IsString()
  name!: string;

  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @IsOptional()
  @Matches(/^\d{9}$/)
  townshipCode?: string;

  @IsIn(['NEW', 'RENEWAL'])
  kind!: string;

  @IsOptional()
  @Equals(true)
  promise?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => History)
  history?: History;

  @IsOptional()
  @IsInt()
  limit: number = 100;
}

class Period {
  @Max(80)
  @Min(0)
  @IsInt()
  years!: number;

  @IsOptional()
  @IsString()
  note?: string;
}

class Periods {
  @ValidateNested({ each: true })
  @Type(() => Period)
  @IsArray()
  periods!: Period[];

  @IsOptional()
  @ValidateNested()
  @Type(() => Period)
  longest?: Period;
}

class Trimmed {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  name!: string;
}

class Bare {
  name?: string;
}

const ID = '11010519491231002X';
const valid = { idNumber: ID, name: '张三', season: 2023, townshipCode: '620725100', kind: 'NEW' };

/** An enrollment.registered payload as enrollment-service publishes it. */
const registeredPayload = {
  enrollmentId: '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a10',
  idNumber: ID,
  name: '张三',
  season: 2023,
  regionCode: '110105',
  kind: 'NEW',
  policyId: '110105-2023',
  amountDueFen: 38000,
  registeredAt: '2023-10-01T09:00:00.000+08:00',
};

/** What the full path says: the instance when class-validator finds nothing, else undefined. */
function full<T extends object>(cls: new () => T, plain: object, exposeDefaultValues = false) {
  const instance = plainToInstance(cls, plain, { exposeDefaultValues });
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).length === 0
    ? instance
    : undefined;
}

describe('compiled validation (a fast path that agrees with class-transformer + class-validator)', () => {
  const cases: [string, object][] = [
    ['valid', valid],
    ['optional fields absent', { idNumber: ID, name: 'x', season: 2000, kind: 'RENEWAL' }],
    ['optional field null', { ...valid, townshipCode: null }],
    ['optional field undefined', { ...valid, townshipCode: undefined }],
    ['required field undefined', { ...valid, name: undefined }],
    ['bad check digit', { ...valid, idNumber: '110105194912310021' }],
    ['number as string', { ...valid, season: '2023' }],
    ['out of range', { ...valid, season: 1999 }],
    ['fraction', { ...valid, season: 2023.5 }],
    ['too long', { ...valid, name: 'x'.repeat(11) }],
    ['not in the list', { ...valid, kind: 'OLD' }],
    ['pattern', { ...valid, townshipCode: '62072510' }],
    ['equals', { ...valid, promise: false }],
    ['equals true', { ...valid, promise: true }],
    ['unknown key', { ...valid, extra: 1 }],
    ['nested valid', { ...valid, history: { years: 3 } }],
    ['nested invalid', { ...valid, history: { years: -1 } }],
    ['nested not an object', { ...valid, history: 3 }],
    ['array value', { ...valid, name: ['x'] }],
    [
      'proto key',
      JSON.parse(`{"idNumber":"${ID}","name":"x","season":2023,"kind":"NEW","__proto__":{"x":1}}`),
    ],
    ['empty', {}],
  ];

  it.each(cases)('%s: valid exactly when the full path says so, with the same instance', (_, plain) => {
    const expected = full(Registration, plain);
    const fast = compiledValidInstance(Registration, plain);
    if (fast !== undefined) {
      expect(expected).toBeDefined();
      expect(fast).toBeInstanceOf(Registration);
      expect(fast).toEqual(expected);
      expect(Object.keys(fast)).toEqual(Object.keys(expected!));
    }
    if (expected === undefined) expect(fast).toBeUndefined();
  });

  it('takes the common valid request, and builds a nested object as class-transformer does', () => {
    expect(compiledValidInstance(Registration, valid)).toBeDefined();
    const nested = compiledValidInstance(Registration, { ...valid, history: { years: 3 } });
    expect(nested?.history).toBeInstanceOf(History);
    expect(nested?.history).toEqual(full(Registration, { ...valid, history: { years: 3 } })?.history);
  });

  const period = { years: 3, note: 'x' };
  const arrays: [string, object][] = [
    ['array of valid elements', { periods: [period, { years: 0 }] }],
    ['empty array', { periods: [] }],
    ['an invalid element', { periods: [period, { years: -1 }] }],
    ['an element with an unknown key', { periods: [{ ...period, extra: 1 }] }],
    ['an element that is not an object', { periods: [period, 3] }],
    ['a null element', { periods: [null] }],
    ['an element that is an array', { periods: [[period]] }],
    ['a hole', { periods: [period, , period] }],
    ['an object where an array belongs', { periods: period }],
    ['a string where an array belongs', { periods: 'x' }],
    ['array absent', {}],
    ['single nested beside the array', { periods: [period], longest: period }],
    ['single nested invalid', { periods: [period], longest: { years: 'x' } }],
    ['single nested given an array', { periods: [period], longest: [period] }],
    ['an element of another class', { periods: [Object.assign(new History(), { years: 3 })] }],
    ['an element already a Period, never checked', { periods: [Object.assign(new Period(), period)] }],
    ['an unchecked invalid Period', { periods: [Object.assign(new Period(), { years: 99 })] }],
  ];

  it.each(arrays)('%s: nested arrays valid exactly when the full path says so', (_, plain) => {
    for (const expose of [false, true]) {
      const expected = full(Periods, plain, expose);
      const fast = compiledValidInstance(Periods, plain, { exposeDefaultValues: expose });
      if (fast !== undefined) {
        expect(expected).toBeDefined();
        expect(fast).toEqual(expected);
        for (const p of fast.periods) expect(p).toBeInstanceOf(Period);
      }
      if (expected === undefined) expect(fast).toBeUndefined();
    }
    // The cases the fast path is for are taken by it, not left to the full path.
    if (['array of valid elements', 'empty array', 'single nested beside the array'].includes(_))
      expect(compiledValidInstance(Periods, plain)).toBeDefined();
  });

  it('takes an element it has already found valid as it is, and checks any other', () => {
    const checked = compiledValidInstance(Period, { years: 4 })!;
    const built = compiledValidInstance(Periods, { periods: [checked, { years: 5 }] })!;
    expect(built.periods[0]).toBe(checked);
    expect(built.periods[1]).toEqual(Object.assign(new Period(), { years: 5 }));
    const unchecked = Object.assign(new Period(), { years: 4 });
    const copied = compiledValidInstance(Periods, { periods: [unchecked] })!;
    expect(copied.periods[0]).not.toBe(unchecked);
    expect(copied.periods[0]).toEqual(unchecked);
  });

  it('takes a payload the catalog has parsed without checking it again', () => {
    const catalog = contractCatalog();
    const envelope = catalog.parse(
      JSON.stringify({
        eventId: '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a10',
        type: EnrollmentRegistered.type,
        version: EnrollmentRegistered.version,
        occurredAt: '2023-10-01T01:00:00.000Z',
        producer: 'enrollment-service',
        correlationId: '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a12',
        key: ID,
        payload: registeredPayload,
      }),
    );
    const cls = catalog.get(EnrollmentRegistered.type, EnrollmentRegistered.version).payloadClass;
    class Registered {
      @ValidateNested({ each: true })
      @Type(() => cls)
      @IsArray()
      registered!: object[];
    }
    const cmd = compiledValidInstance(Registered, { registered: [envelope.payload] });
    expect(cmd?.registered[0]).toBe(envelope.payload);
  });

  it('keeps class defaults with exposeDefaultValues, as createCommand builds commands', () => {
    const plain = { ...valid, limit: undefined };
    expect(compiledValidInstance(Registration, plain, { exposeDefaultValues: true })).toEqual(
      full(Registration, plain, true),
    );
    expect(compiledValidInstance(Registration, plain, { exposeDefaultValues: true })?.limit).toBe(100);
    expect(compiledValidInstance(Registration, plain)).toEqual(full(Registration, plain));
  });

  it('leaves classes with class-transformer decorators or no rules to the full path', () => {
    expect(compiledValidInstance(Trimmed, { name: ' x ' })).toBeUndefined();
    expect(compiledValidInstance(Bare, { name: 'x' })).toBeUndefined();
  });

  it('passes the payloads the catalog publishes', () => {
    const payload = { ...registeredPayload, townshipCode: undefined };
    const def = contractCatalog().get(EnrollmentRegistered.type, EnrollmentRegistered.version);
    const fast = compiledValidInstance(def.payloadClass, payload);
    expect(fast).toBeDefined();
    expect(fast).toEqual(full(def.payloadClass, payload));
    expect(compiledValidInstance(def.payloadClass, { ...payload, amountDueFen: -1 })).toBeUndefined();
  });
});
