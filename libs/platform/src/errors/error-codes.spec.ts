import { errorCodes } from './error-codes';
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
