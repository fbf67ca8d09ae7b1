import fc from 'fast-check';
import { addDays } from '@urrbmi/domain';
import { benefitStart, isCollectingDay, lastCollectingDay, regionCollectsOn } from './season-calendar';
import { seedPolicy } from './test-policies';

describe('season calendar', () => {
  const s23 = seedPolicy('620725-2023');
  const zj = seedPolicy('341323-2023');

  it('starts benefits on the stated period start', () => {
    expect(benefitStart(s23)).toBe('2024-01-01');
    expect(benefitStart(zj)).toBe('2023-01-01');
  });

  it('starts benefits the day after the collection window when the policy states no start', () => {
    const silent = { ...s23, benefitPeriod: { ...s23.benefitPeriod, from: null } };
    expect(benefitStart(silent)).toBe('2024-01-01');
    const earlier = { ...silent, collectionWindow: { ...s23.collectionWindow, to: '2023-11-30' } };
    expect(benefitStart(earlier)).toBe('2023-12-01');
  });

  it('collects through the latest extended window (Zhuji migrant workers until 2023-02-28)', () => {
    expect(zj.collectionWindow.to).toBe('2022-12-31');
    expect(lastCollectingDay(zj)).toBe('2023-02-28');
    expect(isCollectingDay(zj, '2023-02-28')).toBe(true);
    expect(isCollectingDay(zj, '2023-03-01')).toBe(false);
  });

  it('does not collect before a stated window start', () => {
    const mq = seedPolicy('411421-2023');
    expect(isCollectingDay(mq, addDays(mq.collectionWindow.from!, -1))).toBe(false);
    expect(isCollectingDay(mq, mq.collectionWindow.from!)).toBe(true);
    expect(regionCollectsOn([mq, s23], '411421', '2023-09-09')).toBe(false);
    expect(regionCollectsOn([mq, s23], '411421', '2023-09-10')).toBe(true);
    expect(regionCollectsOn([mq], '620725', '2023-10-10')).toBe(false);
  });

  it('collects on one unbroken run of days that ends before benefits start, for every seed', () => {
    const policies = (['620725-2021', '620725-2023', '411421-2023', '341323-2023'] as const).map(seedPolicy);
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        (p, start, gap1, gap2) => {
          const a = addDays(lastCollectingDay(p), start);
          const b = addDays(a, gap1);
          const c = addDays(b, gap2);
          if (isCollectingDay(p, a) && isCollectingDay(p, c)) expect(isCollectingDay(p, b)).toBe(true);
          expect(isCollectingDay(p, addDays(lastCollectingDay(p), 1))).toBe(false);
          if (p.extendedWindows.length === 0) expect(isCollectingDay(p, benefitStart(p))).toBe(false);
        },
      ),
    );
  });
});
