import fc from 'fast-check';
import {
  isValidResidentId,
  maskResidentId,
  parseResidentId,
  residentIdCheckChar,
  ResidentIdError,
} from './resident-id';
import { maskResidentIdsInText } from './resident-id-text';

function idOf(first17: string): string {
  return first17 + residentIdCheckChar(first17);
}

const validId = fc
  .record({
    region: fc.constantFrom('620725', '411421', '341323', '110101', '440305'),
    date: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2025-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, date, seq }) =>
    idOf(`${region}${date.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`),
  );

function codeOf(raw: string): string | undefined {
  try {
    parseResidentId(raw);
    return undefined;
  } catch (e) {
    return (e as ResidentIdError).code;
  }
}

describe('resident ID number (GB 11643)', () => {
  it('accepts the standard worked example and derives birth date and sex', () => {
    // 11010519491231002X is the example of the standard: check character X, female (sequence 002).
    expect(parseResidentId('11010519491231002x')).toEqual({
      value: '11010519491231002X',
      regionCode: '110105',
      birthDate: '1949-12-31',
      sex: 'FEMALE',
    });
    expect(parseResidentId(idOf('62072519900101001')).sex).toBe('MALE');
  });

  it.each([
    ['62072519900101123', 'LENGTH', 'resident ID number must have 18 characters, got 17'],
    ['62072519900101123A', 'FORMAT', 'resident ID number must be 17 digits followed by a digit or X'],
    ['X20725199001011234', 'FORMAT', 'resident ID number must be 17 digits followed by a digit or X'],
    [idOf('00072519900101123'), 'REGION', 'resident ID number has an unknown province code 00'],
    [idOf('62072519900230123'), 'BIRTH_DATE', 'resident ID number has an impossible birth date 1990-02-30'],
    [idOf('62072518991231123'), 'BIRTH_DATE', 'resident ID number has an impossible birth date 1899-12-31'],
  ])('refuses %s with %s', (raw, code, message) => {
    expect(() => parseResidentId(raw)).toThrow(new ResidentIdError(code as never, message));
    expect(codeOf(raw)).toBe(code);
  });

  it('refuses a birth date after today', () => {
    expect(codeOf(idOf('62072520240301123'))).toBeUndefined();
    expect(() => parseResidentId(idOf('62072520240301123'), '2024-02-29')).toThrow(
      'impossible birth date 2024-03-01',
    );
  });

  it('accepts a February 29 birth date only in a leap year', () => {
    expect(parseResidentId(idOf('62072520240229123')).birthDate).toBe('2024-02-29');
    expect(codeOf(idOf('62072520230229123'))).toBe('BIRTH_DATE');
  });

  it('accepts every generated valid number', () => {
    fc.assert(fc.property(validId, (id) => isValidResidentId(id)));
  });

  it('refuses any single changed character (the check digit catches every single substitution)', () => {
    fc.assert(
      fc.property(
        validId,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 10 }),
        (id, pos, delta) => {
          const alphabet = pos === 17 ? '0123456789X' : '0123456789';
          const current = alphabet.indexOf(id[pos]);
          const changed = alphabet[(current + delta) % alphabet.length];
          fc.pre(changed !== id[pos]);
          const mutated = id.slice(0, pos) + changed + id.slice(pos + 1);
          // Some mutations also break the region or date first; none may pass.
          return !isValidResidentId(mutated);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('masks birth date and sequence, keeping region and the last four', () => {
    expect(maskResidentId('620725199001011234')).toBe('620725********1234');
    expect(
      maskResidentIdsInText('id 620725199001011234 and 11010519491231002x, order 12345678901234567890'),
    ).toBe('id 620725********1234 and 110105********002x, order 12345678901234567890');
  });
});
