import fc from 'fast-check';
import { monthlyMatch, MatchCandidate } from './monthly-match';
import { identity, seedPolicy } from './test-policies';

const ID = '620725199001011234';

function candidate(over: Partial<MatchCandidate> = {}): MatchCandidate {
  return {
    idNumber: ID,
    enrolmentRegionCode: '620725',
    paidFen: 38000,
    paidInFullOn: '2023-10-15',
    subsidyEnjoyedFen: 0,
    alreadyTransferred: false,
    identities: [],
    ...over,
  };
}

describe('monthly match (当月参保、次月资助)', () => {
  const s23 = seedPolicy('620725-2023');

  it('Shandan 2023: paid 380 in October, certified rural minimum-living class 1 in November: one 310 transfer in December, once', () => {
    const certified = [identity('MINIMUM_LIVING_RURAL_CLASS_1_2', '620725', { validFrom: '2023-11-05' })];
    expect(monthlyMatch(s23, '2023-10', [candidate({ identities: certified })]).transfers).toEqual([]);
    const nov = monthlyMatch(s23, '2023-11', [candidate({ identities: certified })]);
    expect(nov.transfers).toEqual([
      {
        idNumber: ID,
        amountFen: 31000,
        category: 'MINIMUM_LIVING_RURAL_CLASS_1_2',
        route: 'ONE_CARD',
        transferMonth: '2023-12',
        reason: expect.stringContaining('paid 38000 fen by 2023-10-15'),
      },
    ]);
    // Running again (the transfer now exists) adds nothing.
    expect(
      monthlyMatch(s23, '2023-11', [candidate({ identities: certified, alreadyTransferred: true })]),
    ).toEqual({
      transfers: [],
      skipped: [{ idNumber: ID, code: 'ALREADY_TRANSFERRED', reason: 'already transferred this season' }],
    });
    // Removed from the roster in January: nothing is clawed back, nothing new is made.
    const lost = [
      identity('MINIMUM_LIVING_RURAL_CLASS_1_2', '620725', {
        validFrom: '2023-11-05',
        validTo: '2023-12-31',
      }),
    ];
    expect(
      monthlyMatch(s23, '2024-01', [candidate({ identities: lost, alreadyTransferred: true })]).transfers,
    ).toEqual([]);
  });

  it('skips people who did not pay in full or already enjoyed a subsidy', () => {
    const certified = [identity('OUT_OF_POVERTY', '620725')];
    const r = monthlyMatch(s23, '2023-11', [
      candidate({
        idNumber: 'a',
        paidFen: 28000,
        paidInFullOn: null,
        subsidyEnjoyedFen: 10000,
        identities: certified,
      }),
      candidate({ idNumber: 'b', paidInFullOn: '2023-12-02', identities: certified }),
      candidate({ idNumber: 'c', paidFen: 20000, paidInFullOn: null, identities: certified }),
    ]);
    expect(r.transfers).toEqual([]);
    expect(r.skipped.map((s) => s.code)).toEqual([
      'SUBSIDY_ALREADY_ENJOYED',
      'NOT_PAID_IN_FULL',
      'NOT_PAID_IN_FULL',
    ]);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'subsidy already enjoyed this season',
      'not paid in full by 2023-11-30',
      'not paid in full by 2023-11-30',
    ]);
  });

  it('Minquan: minimum-living 80 via civil affairs, monitored 80 via the township, nothing for identities certified elsewhere', () => {
    const mq = seedPolicy('411421-2023');
    const r = monthlyMatch(mq, '2023-10', [
      candidate({
        idNumber: 'dibao',
        enrolmentRegionCode: '411421',
        identities: [identity('MINIMUM_LIVING', '411421')],
      }),
      candidate({
        idNumber: 'monitored',
        enrolmentRegionCode: '411421',
        identities: [identity('UNSTABLE_OUT_OF_POVERTY', '411421')],
      }),
      candidate({
        idNumber: 'elsewhere',
        enrolmentRegionCode: '411421',
        identities: [identity('MINIMUM_LIVING', '620725')],
      }),
      candidate({
        idNumber: 'tekun',
        enrolmentRegionCode: '411421',
        // certified after paying: Minquan's match transfers only REIMBURSE subsidies
        identities: [identity('EXTREME_POVERTY', '411421', { validFrom: '2023-10-20' })],
      }),
    ]);
    expect(r.transfers.map((t) => [t.idNumber, t.amountFen, t.route, t.transferMonth])).toEqual([
      ['dibao', 8000, 'CIVIL_AFFAIRS_ACCOUNT', '2023-11'],
      ['monitored', 8000, 'TOWNSHIP_GOVERNMENT', '2023-11'],
    ]);
    expect(r.skipped).toEqual([
      {
        idNumber: 'elsewhere',
        code: 'CERTIFIED_ELSEWHERE',
        reason:
          '低保对象 (MINIMUM_LIVING) was certified in 620725; 411421-2023 subsidises only identities certified where the person enrols (411421) (MQ 二(二)2)',
      },
      {
        idNumber: 'tekun',
        code: 'MODE_NOT_TRANSFERRED',
        reason: 'FULL subsidies are not transferred after payment under 411421-2023 (MQ 二(二)2 — 先征后补)',
      },
    ]);
  });

  it('Shandan 2023: paid 380 in October, certified 特困 in November: the full 380 to the one-card account in December, once (S23 五(二)2)', () => {
    const tekun = [identity('EXTREME_POVERTY', '620725', { validFrom: '2023-11-05' })];
    const nov = monthlyMatch(s23, '2023-11', [candidate({ identities: tekun })]);
    expect(nov.transfers).toEqual([
      {
        idNumber: ID,
        amountFen: 38000,
        category: 'EXTREME_POVERTY',
        route: 'ONE_CARD',
        transferMonth: '2023-12',
        reason: expect.stringContaining('FULL 38000 fen'),
      },
    ]);
    expect(
      monthlyMatch(s23, '2023-11', [candidate({ identities: tekun, alreadyTransferred: true })]).transfers,
    ).toEqual([]);
    // Certified already when paying in full (proxy paid, or a reduced contribution overpaid):
    // the subsidy was theirs then; nothing is transferred, whatever order the events came in.
    expect(
      monthlyMatch(s23, '2023-11', [
        candidate({ idNumber: 'proxy', identities: [identity('EXTREME_POVERTY', '620725')] }),
        candidate({ idNumber: 'dibao', identities: [identity('MINIMUM_LIVING_RURAL_CLASS_1_2', '620725')] }),
      ]).skipped,
    ).toEqual([
      {
        idNumber: 'proxy',
        code: 'SUBSIDY_ALREADY_ENJOYED',
        reason: expect.stringMatching(/^certified before paying in full on 2023-10-15: 特困人员/),
      },
      {
        idNumber: 'dibao',
        code: 'SUBSIDY_ALREADY_ENJOYED',
        reason: expect.stringMatching(/^certified before paying in full on 2023-10-15: 农村一、二类低保/),
      },
    ]);
  });

  it('names why nobody was paid: no identity, a category the policy does not know', () => {
    const mq = seedPolicy('411421-2023');
    const r = monthlyMatch(mq, '2023-11', [
      candidate({ idNumber: 'none', enrolmentRegionCode: '411421' }),
      candidate({
        idNumber: 'monitored',
        enrolmentRegionCode: '411421',
        identities: [identity('MONITORED', '411421')],
      }),
    ]);
    expect(r.skipped).toEqual([
      { idNumber: 'none', code: 'NO_IDENTITY', reason: 'no identity on any approved roster for this person' },
      {
        idNumber: 'monitored',
        code: 'CATEGORY_NOT_IN_POLICY',
        reason:
          '监测人口 (MONITORED) gets no subsidy under 411421-2023: the policy has no rule for this category',
      },
    ]);
  });

  it('Zhuji makes no transfers after payment', () => {
    const zj = seedPolicy('341323-2023');
    expect(
      monthlyMatch(zj, '2022-11', [candidate({ identities: [identity('MINIMUM_LIVING', '341323')] })])
        .transfers,
    ).toEqual([]);
  });

  it('over a whole season, at most one transfer per person, never negative, whatever the identities do', () => {
    const months = ['2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01'];
    const arbIdentity = fc.record({
      category: fc.constantFrom(
        'MINIMUM_LIVING_RURAL_CLASS_1_2',
        'OUT_OF_POVERTY',
        'EXTREME_POVERTY',
        'MINIMUM_LIVING_EDGE',
      ) as fc.Arbitrary<'OUT_OF_POVERTY'>,
      from: fc.integer({ min: 0, max: 6 }),
      length: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbIdentity, { maxLength: 4 }),
        fc.integer({ min: 0, max: 6 }),
        (ids, paidMonth) => {
          const identities = ids.map((i) =>
            identity(i.category, '620725', {
              validFrom: `${months[i.from]}-01`,
              validTo: `${months[Math.min(6, i.from + i.length)]}-28`,
            }),
          );
          let transferred = false;
          let count = 0;
          for (const m of months) {
            const r = monthlyMatch(s23, m, [
              candidate({
                identities,
                paidInFullOn: `${months[paidMonth]}-10`,
                alreadyTransferred: transferred,
              }),
            ]);
            for (const t of r.transfers) expect(t.amountFen).toBeGreaterThan(0);
            count += r.transfers.length;
            transferred ||= r.transfers.length > 0;
          }
          expect(count).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
