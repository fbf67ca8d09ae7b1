import fc from 'fast-check';
import { RankingRule } from './policy.model';
import { loadPolicies } from './policy-loader';
import {
  behindStreaks,
  checkMilestones,
  behindUnits,
  completedWeeks,
  mondayOf,
  rankByCompletion,
  SupervisionWeek,
  weeksBehindRunning,
} from './supervision-ranking';

const rule = (r: Partial<RankingRule>): RankingRule =>
  Object.assign(new RankingRule(), {
    cadence: 'WEEKLY',
    unit: 'TOWNSHIP',
    behind: 'LAST',
    consecutiveWeeks: 3,
    action: '约谈',
    ...r,
  });

describe('weeks in Asia/Shanghai', () => {
  it('starts weeks on Monday', () => {
    expect(mondayOf('2023-09-10')).toBe('2023-09-04'); // a Sunday
    expect(mondayOf('2023-09-11')).toBe('2023-09-11'); // a Monday
    expect(mondayOf('2024-01-01')).toBe('2024-01-01');
    expect(mondayOf('2022-12-31')).toBe('2022-12-26');
  });

  it('lists only weeks that have ended, up to the week containing the end of the window', () => {
    // Minquan: 2023-09-10 .. 2023-12-31.
    const all = completedWeeks('2023-09-10', '2023-12-31', '2026-01-01');
    expect(all[0]).toEqual({ from: '2023-09-04', to: '2023-09-10' });
    expect(all.at(-1)).toEqual({ from: '2023-12-25', to: '2023-12-31' });
    expect(all).toHaveLength(17);
    // On Sunday 09-17 that week is not over; on Monday 09-18 it is.
    expect(completedWeeks('2023-09-10', '2023-12-31', '2023-09-17').map((w) => w.to)).toEqual(['2023-09-10']);
    expect(completedWeeks('2023-09-10', '2023-12-31', '2023-09-18').map((w) => w.to)).toEqual([
      '2023-09-10',
      '2023-09-17',
    ]);
  });
});

describe('ranking by completion', () => {
  it('ranks by rate, ties share a rank, units without a quota are left out', () => {
    const ranked = rankByCompletion([
      { unitCode: 'A', done: 1, quota: 2 },
      { unitCode: 'B', done: 3, quota: 4 },
      { unitCode: 'C', done: 2, quota: 4 },
      { unitCode: 'D', done: 0, quota: 5 },
      { unitCode: 'E', done: 9, quota: 0 },
    ]);
    expect(ranked.map((u) => [u.unitCode, u.rank, u.completionRate])).toEqual([
      ['B', 1, 0.75],
      ['A', 2, 0.5],
      ['C', 2, 0.5],
      ['D', 4, 0],
    ]);
  });

  it('compares exactly: 1/3 and 2/6 tie, 333/1000 is below 1/3', () => {
    const r = rankByCompletion([
      { unitCode: 'X', done: 1, quota: 3 },
      { unitCode: 'Y', done: 2, quota: 6 },
      { unitCode: 'Z', done: 333, quota: 1000 },
    ]);
    expect(r.map((u) => [u.unitCode, u.rank])).toEqual([
      ['X', 1],
      ['Y', 1],
      ['Z', 3],
    ]);
  });

  it('property: a rank is 1 + the number of units strictly ahead, whatever the input order', () => {
    const unit = fc.record({ done: fc.nat(500), quota: fc.integer({ min: 1, max: 500 }) });
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 12 }), (units) => {
        const named = units.map((u, i) => ({ ...u, unitCode: `U${String(i).padStart(2, '0')}` }));
        const ranked = rankByCompletion(named);
        const reversed = rankByCompletion([...named].reverse());
        for (const u of ranked) {
          const ahead = named.filter((o) => o.done * u.quota > u.done * o.quota).length;
          expect(u.rank).toBe(ahead + 1);
        }
        expect(reversed).toEqual(ranked);
      }),
    );
  });
});

describe('behind and streaks', () => {
  const ranked = rankByCompletion([
    { unitCode: 'A', done: 5, quota: 10 },
    { unitCode: 'B', done: 2, quota: 10 },
    { unitCode: 'C', done: 0, quota: 10 },
    { unitCode: 'D', done: 0, quota: 10 },
  ]);

  it('LAST: the units at the last rank; BOTTOM_N: the bottom N ranks (policy N, else the local default)', () => {
    expect([...behindUnits(ranked, rule({ behind: 'LAST' }), 1)].sort()).toEqual(['C', 'D']);
    expect([...behindUnits(ranked, rule({ behind: 'BOTTOM_N', bottomN: 3 }), 1)].sort()).toEqual([
      'B',
      'C',
      'D',
    ]);
    expect([...behindUnits(ranked, rule({ behind: 'BOTTOM_N', bottomN: null }), 1)].sort()).toEqual([
      'C',
      'D',
    ]);
  });

  it('nobody is behind when every unit has the same completion', () => {
    const tied = rankByCompletion(['A', 'B', 'C'].map((unitCode) => ({ unitCode, done: 0, quota: 10 })));
    expect(behindUnits(tied, rule({ behind: 'LAST' }), 1).size).toBe(0);
  });

  const weeks: SupervisionWeek[] = ['04', '11', '18', '25'].map((d) => ({
    from: `2023-09-${d}`,
    to: `2023-09-${String(Number(d) + 6).padStart(2, '0')}`,
  }));

  it('one streak per run of weeks behind, reported when it reaches the policy count', () => {
    const behind = [new Set(['C']), new Set(['C']), new Set(['C', 'B']), new Set(['C'])];
    expect(behindStreaks(weeks, behind, rule({ consecutiveWeeks: 3 }))).toEqual([
      { unitCode: 'C', since: '2023-09-04', reachedOn: '2023-09-24', weeks: 3 },
    ]);
    expect(weeksBehindRunning(behind, 3, 'C')).toBe(4);
    expect(weeksBehindRunning(behind, 3, 'B')).toBe(0);
  });

  it('a break starts a new streak', () => {
    const behind = [new Set(['C']), new Set(['C']), new Set<string>(), new Set(['C'])];
    const two = rule({ consecutiveWeeks: 2 });
    expect(behindStreaks(weeks, behind, two)).toEqual([
      { unitCode: 'C', since: '2023-09-04', reachedOn: '2023-09-17', weeks: 2 },
    ]);
    behind.push(new Set(['C']));
    const five = [...weeks, { from: '2023-10-02', to: '2023-10-08' }];
    expect(behindStreaks(five, behind, two).map((s) => s.since)).toEqual(['2023-09-04', '2023-09-25']);
  });

  it('property: streaks never repeat, and each one is exactly consecutiveWeeks long when reached', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray(['A', 'B', 'C']), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 4 }),
        (sets, n) => {
          const ws = sets.map((_, i) => ({ from: `W${i}`, to: `E${i}` }));
          const streaks = behindStreaks(
            ws,
            sets.map((s) => new Set(s)),
            rule({ consecutiveWeeks: n }),
          );
          const keys = streaks.map((s) => `${s.unitCode}:${s.since}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const s of streaks) {
            expect(s.weeks).toBe(n);
            const end = ws.findIndex((w) => w.to === s.reachedOn);
            for (let i = end - n + 1; i <= end; i++) expect(sets[i]).toContain(s.unitCode);
          }
        },
      ),
    );
  });
});

describe('milestones', () => {
  it('Minquan: 80% of the quota by 30 November, rounded up to whole people', () => {
    const minquan = [...loadPolicies().values()].find((p) => p.id === '411421-2023')!;
    const checks = checkMilestones(minquan, 28468, (d) => (d === '2023-11-30' ? 22775 : 28000), '2023-12-01');
    expect(checks).toEqual([
      { by: '2023-11-30', share: 0.8, required: 22775, done: 22775, met: true, due: true },
      { by: '2023-12-31', share: 1, required: 28468, done: 28000, met: false, due: false },
    ]);
    expect(checkMilestones(minquan, 10, () => 7, '2023-12-01')[0]).toMatchObject({ required: 8, met: false });
  });
});
