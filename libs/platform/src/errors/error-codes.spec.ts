import { assertCheckerMayDecide, errorCodes, MakerCheckerErrors } from './error-codes';
import { DomainError } from './domain-error';

describe('errorCodes', () => {
  const Errors = errorCodes({ NOT_THERE: 404, TOO_LATE: 409 });

  it('makes a DomainError carrying the code and its status', () => {
    const e = Errors.TOO_LATE('too late', { at: 1 });
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'TOO_LATE', status: 409, message: 'too late', details: { at: 1 } });
    expect(Errors.status.NOT_THERE).toBe(404);
  });
});

describe('assertCheckerMayDecide', () => {
  const entry = { id: 'x', status: 'PENDING', enteredBy: 'maker', enteredRole: 'mib' };

  it('admits another holder of the same role', () => {
    expect(() => assertCheckerMayDecide(entry, { holder: 'checker', role: 'mib' })).not.toThrow();
  });

  it('refuses the maker, another role, and a decided entry with coded errors', () => {
    expect(() => assertCheckerMayDecide(entry, { holder: 'maker', role: 'mib' })).toThrow(
      expect.objectContaining({ code: 'SAME_HOLDER', status: 403 }),
    );
    expect(() => assertCheckerMayDecide(entry, { holder: 'other', role: 'finance' })).toThrow(
      expect.objectContaining({ code: 'OTHER_ROLE', status: 403 }),
    );
    expect(() =>
      assertCheckerMayDecide({ ...entry, status: 'CONFIRMED' }, { holder: 'checker', role: 'mib' }),
    ).toThrow(expect.objectContaining({ code: 'ALREADY_DECIDED', status: 409 }));
    expect(MakerCheckerErrors.status.SAME_HOLDER).toBe(403);
  });
});
