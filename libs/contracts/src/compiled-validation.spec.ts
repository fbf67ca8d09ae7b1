import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  Equals,
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

  it('takes the common valid request, and leaves nested objects to the full path', () => {
    expect(compiledValidInstance(Registration, valid)).toBeDefined();
    expect(compiledValidInstance(Registration, { ...valid, history: { years: 3 } })).toBeUndefined();
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
    const payload = {
      enrollmentId: '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a10',
      idNumber: ID,
      name: '张三',
      season: 2023,
      regionCode: '110105',
      townshipCode: undefined,
      kind: 'NEW',
      policyId: '110105-2023',
      amountDueFen: 38000,
      registeredAt: '2023-10-01T09:00:00.000+08:00',
    };
    const def = contractCatalog().get(EnrollmentRegistered.type, EnrollmentRegistered.version);
    const fast = compiledValidInstance(def.payloadClass, payload);
    expect(fast).toBeDefined();
    expect(fast).toEqual(full(def.payloadClass, payload));
    expect(compiledValidInstance(def.payloadClass, { ...payload, amountDueFen: -1 })).toBeUndefined();
  });
});
