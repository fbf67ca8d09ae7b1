import fc from 'fast-check';
import { SUBSIDY_CATEGORY_CODES, SubsidyCategory } from './categories';
import { assessSubsidy, ruleFor } from './subsidy-assessment';
import { identity, seedPolicy } from './test-policies';

const POLICIES = ['620725-2021', '620725-2023', '411421-2023', '341323-2023'] as const;

const arbCase = fc.record({
  id: fc.constantFrom(...POLICIES),
  categories: fc.array(fc.constantFrom(...SUBSIDY_CATEGORY_CODES), { maxLength: 6 }),
  extra: fc.constantFrom(...SUBSIDY_CATEGORY_CODES),
  elsewhere: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
});

function assess(id: (typeof POLICIES)[number], categories: SubsidyCategory[], elsewhere: boolean[]) {
  const p = seedPolicy(id);
  const region = p.region.code;
  const identities = categories.map((c, i) => identity(c, elsewhere[i] ? '999999' : region));
  return { p, a: assessSubsidy(p, { enrolmentRegionCode: region, asOf: p.benefitPeriod.from!, identities }) };
}

describe('subsidy assessment properties', () => {
  it('DIFFERENCE: amount due + subsidy = standard; amount due is never negative nor above the standard', () => {
    fc.assert(
      fc.property(arbCase, ({ id, categories, elsewhere }) => {
        const { p, a } = assess(id, categories, elsewhere);
        const standard = p.contribution.individualFen;
        if (a.mode === 'DIFFERENCE') expect(a.amountDueFen + a.subsidyFen).toBe(standard);
        if (a.mode === 'FULL') expect(a.amountDueFen).toBe(0);
        expect(a.amountDueFen).toBeGreaterThanOrEqual(0);
        expect(a.amountDueFen).toBeLessThanOrEqual(standard);
        expect(Number.isInteger(a.amountDueFen) && Number.isInteger(a.subsidyFen)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('adding an identity never lowers the subsidy', () => {
    fc.assert(
      fc.property(arbCase, ({ id, categories, extra, elsewhere }) => {
        const before = assess(id, categories, elsewhere).a.subsidyFen;
        const after = assess(id, [...categories, extra], elsewhere).a.subsidyFen;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('the subsidy is the maximum over the identities that count, and only one is chosen', () => {
    fc.assert(
      fc.property(arbCase, ({ id, categories, elsewhere }) => {
        const { p, a } = assess(id, categories, elsewhere);
        const counting = categories.filter(
          (_c, i) => !(p.eligibility.requireCertificationInEnrolmentRegion && elsewhere[i]),
        );
        const amounts = counting.map((c) => ruleFor(p, c)?.amountFen ?? 0).map((x) => x ?? 0);
        expect(a.subsidyFen).toBe(Math.max(0, ...amounts));
        expect(a.considered.filter((c) => c.outcome === 'CHOSEN').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
