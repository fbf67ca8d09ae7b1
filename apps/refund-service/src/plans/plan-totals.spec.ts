import fc from 'fast-check';
import { REFUND_APPLICATION_REASONS } from '@urrbmi/contracts';
import { planTotals } from './plan-totals';

describe('plan totals', () => {
  it('sums by reason, region and township, in a stable order', () => {
    expect(
      planTotals([
        { reason: 'TRANSFER_OUT', regionCode: '620725', townshipCode: '620725101', amountFen: 32000 },
        { reason: 'DUPLICATE_PAYMENT', regionCode: '620725', townshipCode: '620725100', amountFen: 100 },
        { reason: 'DUPLICATE_PAYMENT', regionCode: '620725', townshipCode: '620725100', amountFen: 200 },
        { reason: 'DUPLICATE_PAYMENT', regionCode: '620725', townshipCode: null, amountFen: 5 },
      ]),
    ).toEqual({
      totalFen: 32305,
      totals: [
        { reason: 'DUPLICATE_PAYMENT', regionCode: '620725', count: 1, amountFen: 5 },
        {
          reason: 'DUPLICATE_PAYMENT',
          regionCode: '620725',
          townshipCode: '620725100',
          count: 2,
          amountFen: 300,
        },
        {
          reason: 'TRANSFER_OUT',
          regionCode: '620725',
          townshipCode: '620725101',
          count: 1,
          amountFen: 32000,
        },
      ],
    });
  });

  it('property: the lines add up to the refunds, whatever their order', () => {
    const arb = fc.array(
      fc.record({
        reason: fc.constantFrom(...REFUND_APPLICATION_REASONS),
        regionCode: fc.constantFrom('620725', '411421'),
        townshipCode: fc.constantFrom(null, '620725100', '620725101'),
        amountFen: fc.integer({ min: 1, max: 1_000_000 }),
      }),
      { minLength: 1, maxLength: 50 },
    );
    fc.assert(
      fc.property(arb, (refunds) => {
        const t = planTotals(refunds);
        expect(t.totalFen).toBe(refunds.reduce((s, r) => s + r.amountFen, 0));
        expect(t.totals.reduce((s, l) => s + l.count, 0)).toBe(refunds.length);
        expect(planTotals([...refunds].reverse())).toEqual(t);
      }),
    );
  });
});
