import { isTransientFailure, retryTransient, sqlStateOf, TRANSIENT_SQLSTATES } from './transient-failure';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('transient database failures', () => {
  it.each(['40P01', '40001', '55P03', '57014', '53300', '53200', '53100'])('retries SQLSTATE %s', (code) => {
    expect(TRANSIENT_SQLSTATES).toContain(code);
    expect(isTransientFailure(pgError(code))).toBe(true);
    // TypeORM's QueryFailedError keeps the driver's error beside its own fields.
    expect(isTransientFailure({ message: 'query failed', driverError: pgError(code) })).toBe(true);
  });

  it('retries an unreachable or restarting server', () => {
    expect(isTransientFailure(pgError('57P01', 'terminating connection due to administrator command'))).toBe(
      true,
    );
    expect(isTransientFailure(pgError('ECONNREFUSED'))).toBe(true);
    expect(isTransientFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not retry what fails the same way every time', () => {
    for (const code of ['22003', '22008', '23505', '23502', '42P01', '42703'])
      expect(isTransientFailure(pgError(code))).toBe(false);
    expect(isTransientFailure(new Error('invalid payment.recorded@1 payload'))).toBe(false);
    expect(isTransientFailure(undefined)).toBe(false);
    expect(sqlStateOf({ driverError: { code: '40P01' } })).toBe('40P01');
  });

  it('repeats transient failures with backoff and rethrows a permanent one at once', async () => {
    let calls = 0;
    const retries: number[] = [];
    await expect(
      retryTransient(
        async () => {
          calls++;
          if (calls < 3) throw pgError('40P01', 'deadlock detected');
          return 'done';
        },
        { baseDelayMs: 1, onRetry: (_e, attempt) => retries.push(attempt) },
      ),
    ).resolves.toBe('done');
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);

    let permanentCalls = 0;
    await expect(
      retryTransient(
        async () => {
          permanentCalls++;
          throw pgError('22003', 'integer out of range');
        },
        { baseDelayMs: 1 },
      ),
    ).rejects.toThrow('integer out of range');
    expect(permanentCalls).toBe(1);
  });

  it('gives up after its time budget and when told to stop', async () => {
    let calls = 0;
    await expect(
      retryTransient(
        async () => {
          calls++;
          throw pgError('55P03', 'lock timeout');
        },
        { baseDelayMs: 5, giveUpAfterMs: 30 },
      ),
    ).rejects.toThrow('lock timeout');
    expect(calls).toBeGreaterThan(1);
    let stopped = 0;
    await expect(
      retryTransient(
        async () => {
          stopped++;
          throw pgError('53300');
        },
        { baseDelayMs: 1, shouldStop: () => true },
      ),
    ).rejects.toMatchObject({ code: '53300' });
    expect(stopped).toBe(1);
  });
});
