import fc from 'fast-check';
import { DomainError } from '../errors/domain-error';
import { Checker, decide, decideOrRefuse, MakerCheckerErrors, MakerEntry, Verdict } from './maker-checker';

const at = new Date('2023-11-20T02:00:00Z');
const pending: MakerEntry = {
  label: 'cancellation c1',
  status: 'PENDING',
  enteredBy: 'maker',
  enteredRole: 'township:620725100',
};
const sameRole = (holder: string): Checker => ({ holder, role: 'township:620725100' });
const refusalOf = (r: ReturnType<typeof decide>) => ('refusal' in r ? r.refusal : undefined);

describe('decide (the maker-checker rule)', () => {
  it.each<Verdict>(['CONFIRMED', 'REJECTED'])(
    'lets another holder of the same role decide %s, with the note',
    (verdict) => {
      expect(decide(pending, sameRole('checker'), { verdict, at, note: '核对无误' })).toEqual({
        decision: { status: verdict, by: 'checker', at, note: '核对无误' },
      });
    },
  );

  it('records no note as null', () => {
    expect(decide(pending, sameRole('checker'), { verdict: 'REJECTED', at })).toEqual({
      decision: { status: 'REJECTED', by: 'checker', at, note: null },
    });
  });

  it('refuses the maker with SAME_HOLDER (403), confirming or rejecting', () => {
    for (const verdict of ['CONFIRMED', 'REJECTED'] as const)
      expect(refusalOf(decide(pending, sameRole('maker'), { verdict, at }))).toMatchObject({
        code: 'SAME_HOLDER',
        status: 403,
      });
  });

  it('refuses the maker even under another role: the maker never decides', () => {
    expect(
      refusalOf(decide(pending, { holder: 'maker', role: 'mib' }, { verdict: 'CONFIRMED', at })),
    ).toMatchObject({ code: 'SAME_HOLDER' });
  });

  it('refuses another role, and another township, with OTHER_ROLE (403)', () => {
    for (const role of ['mib', 'township:620725101', 'finance'])
      expect(
        refusalOf(decide(pending, { holder: 'checker', role }, { verdict: 'CONFIRMED', at })),
      ).toMatchObject({
        code: 'OTHER_ROLE',
        status: 403,
        message: 'only another township:620725100 holder may decide on this',
      });
  });

  it.each(['CONFIRMED', 'REJECTED'])(
    'refuses a %s entry with ALREADY_DECIDED (409) whoever asks',
    (status) => {
      for (const checker of [sameRole('checker'), sameRole('maker'), { holder: 'x', role: 'mib' }])
        expect(
          refusalOf(decide({ ...pending, status }, checker, { verdict: 'CONFIRMED', at })),
        ).toMatchObject({
          code: 'ALREADY_DECIDED',
          status: 409,
          message: `cancellation c1 is already ${status}`,
          details: { status },
        });
    },
  );

  it('decideOrRefuse returns the decision or throws the coded refusal', () => {
    expect(decideOrRefuse(pending, sameRole('checker'), { verdict: 'CONFIRMED', at })).toEqual({
      status: 'CONFIRMED',
      by: 'checker',
      at,
      note: null,
    });
    expect(() => decideOrRefuse(pending, sameRole('maker'), { verdict: 'CONFIRMED', at })).toThrow(
      DomainError,
    );
    expect(MakerCheckerErrors.status).toEqual({ ALREADY_DECIDED: 409, SAME_HOLDER: 403, OTHER_ROLE: 403 });
  });

  it('decides exactly when the entry is pending, the checker is not the maker and holds the maker’s role', () => {
    const holder = fc.constantFrom('maker', 'checker', 'other', '');
    const role = fc.constantFrom('mib', 'finance', 'township:620725100', 'township:620725101');
    fc.assert(
      fc.property(
        fc.record({
          status: fc.constantFrom('PENDING', 'CONFIRMED', 'REJECTED', 'pending'),
          enteredBy: holder,
          enteredRole: role,
        }),
        fc.record({ holder, role }),
        fc.constantFrom<Verdict>('CONFIRMED', 'REJECTED'),
        fc.option(fc.string(), { nil: undefined }),
        (e, checker, verdict, note) => {
          const r = decide({ label: 'entry', ...e }, checker, { verdict, at, note });
          const expected =
            e.status !== 'PENDING'
              ? 'ALREADY_DECIDED'
              : e.enteredBy === checker.holder
                ? 'SAME_HOLDER'
                : e.enteredRole !== checker.role
                  ? 'OTHER_ROLE'
                  : undefined;
          if (expected === undefined)
            expect(r).toEqual({ decision: { status: verdict, by: checker.holder, at, note: note ?? null } });
          else
            expect(refusalOf(r)).toMatchObject({
              code: expected,
              status: MakerCheckerErrors.status[expected],
            });
          // Whatever else holds, the maker never decides their own entry.
          if (e.enteredBy === checker.holder) expect('decision' in r).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
