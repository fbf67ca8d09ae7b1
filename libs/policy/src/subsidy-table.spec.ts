import { SubsidyCategory, SubsidyMode } from './categories';
import { assessSubsidy, IdentityPeriod } from './subsidy-assessment';
import { identity, seedPolicy } from './test-policies';

type Row = [
  policy: Parameters<typeof seedPolicy>[0],
  category: SubsidyCategory,
  subsidyYuan: number,
  mode: SubsidyMode | null,
  paysYuan: number,
];

// Every row of DOMAIN.md's subsidy table, category by category.
const TABLE: Row[] = [
  ['620725-2023', 'EXTREME_POVERTY', 380, 'FULL', 0],
  ['620725-2023', 'ORPHAN', 380, 'FULL', 0],
  ['620725-2023', 'MINIMUM_LIVING_RURAL_CLASS_1_2', 310, 'DIFFERENCE', 70],
  ['620725-2023', 'MINIMUM_LIVING_URBAN_FULL', 310, 'DIFFERENCE', 70],
  ['620725-2023', 'RETURNED_TO_POVERTY', 310, 'DIFFERENCE', 70],
  ['620725-2023', 'MINIMUM_LIVING_RURAL_CLASS_3_4', 250, 'DIFFERENCE', 130],
  ['620725-2023', 'MINIMUM_LIVING_URBAN_DIFFERENTIAL', 250, 'DIFFERENCE', 130],
  ['620725-2023', 'UNSTABLE_OUT_OF_POVERTY', 250, 'DIFFERENCE', 130],
  ['620725-2023', 'EDGE_OF_POVERTY', 250, 'DIFFERENCE', 130],
  ['620725-2023', 'SUDDEN_HARDSHIP', 250, 'DIFFERENCE', 130],
  ['620725-2023', 'MINIMUM_LIVING_EDGE', 100, 'DIFFERENCE', 280],
  ['620725-2023', 'OUT_OF_POVERTY', 100, 'DIFFERENCE', 280],
  ['411421-2023', 'EXTREME_POVERTY', 380, 'FULL', 0],
  ['411421-2023', 'MINIMUM_LIVING', 80, 'REIMBURSE', 380],
  ['411421-2023', 'RETURNED_TO_POVERTY', 80, 'REIMBURSE', 380],
  ['411421-2023', 'EDGE_OF_POVERTY', 80, 'REIMBURSE', 380],
  ['411421-2023', 'UNSTABLE_OUT_OF_POVERTY', 80, 'REIMBURSE', 380],
  ['411421-2023', 'SUDDEN_HARDSHIP', 80, 'REIMBURSE', 380],
  ['341323-2023', 'EXTREME_POVERTY', 350, 'FULL', 0],
  ['341323-2023', 'ORPHAN', 350, 'FULL', 0],
  ['341323-2023', 'FAMILY_PLANNING_PROXY', 350, 'FULL', 0],
  ['341323-2023', 'KEY_ENTITLED', 350, 'FULL', 0],
  ['341323-2023', 'MINIMUM_LIVING', 300, 'DIFFERENCE', 50],
  ['341323-2023', 'RETURNED_TO_POVERTY', 270, 'DIFFERENCE', 80],
  ['341323-2023', 'MONITORED', 175, 'DIFFERENCE', 175],
  ['341323-2023', 'STABLE_OUT_OF_POVERTY', 0, 'NONE', 350],
  ['620725-2021', 'EXTREME_POVERTY', 320, 'FULL', 0],
  ['620725-2021', 'ORPHAN', 320, 'FULL', 0],
];

describe("DOMAIN.md's subsidy table", () => {
  it.each(TABLE)('%s %s: subsidy %d yuan, %s, person pays %d yuan', (id, category, subsidy, mode, pays) => {
    const policy = seedPolicy(id);
    const region = policy.region.code;
    const a = assessSubsidy(policy, {
      enrolmentRegionCode: region,
      asOf: policy.benefitPeriod.from!,
      identities: [identity(category, region)],
    });
    expect({
      subsidy: a.subsidyFen / 100,
      mode: a.mode,
      pays: a.amountDueFen / 100,
      category: a.category,
    }).toEqual({ subsidy, mode, pays, category });
  });

  it('routes Minquan minimum-living money via civil affairs and monitored people via the township', () => {
    const mq = seedPolicy('411421-2023');
    const route = (c: SubsidyCategory) =>
      assessSubsidy(mq, {
        enrolmentRegionCode: '411421',
        asOf: '2023-10-01',
        identities: [identity(c, '411421')],
      }).route;
    expect(route('MINIMUM_LIVING')).toBe('CIVIL_AFFAIRS_ACCOUNT');
    expect(route('EDGE_OF_POVERTY')).toBe('TOWNSHIP_GOVERNMENT');
    expect(route('EXTREME_POVERTY')).toBe('PROXY_PAYMENT');
  });

  it('Shandan 2021 minimum-living people pay in full and are told the amount is set elsewhere', () => {
    const s21 = seedPolicy('620725-2021');
    const a = assessSubsidy(s21, {
      enrolmentRegionCode: '620725',
      asOf: '2021-08-01',
      identities: [identity('MINIMUM_LIVING', '620725')],
    });
    expect(a).toMatchObject({
      subsidyFen: 0,
      amountDueFen: 32000,
      category: null,
      considered: [{ category: 'MINIMUM_LIVING', outcome: 'AMOUNT_NOT_STATED' }],
    });
  });

  it('gives a person on three rosters only the highest subsidy', () => {
    const s23 = seedPolicy('620725-2023');
    const a = assessSubsidy(s23, {
      enrolmentRegionCode: '620725',
      asOf: '2023-10-01',
      identities: [
        identity('OUT_OF_POVERTY', '620725'),
        identity('MINIMUM_LIVING_RURAL_CLASS_3_4', '620725'),
        identity('RETURNED_TO_POVERTY', '620725'),
      ],
    });
    expect(a).toMatchObject({ category: 'RETURNED_TO_POVERTY', subsidyFen: 31000, amountDueFen: 7000 });
    expect(a.considered.map((c) => c.outcome).sort()).toEqual(['CHOSEN', 'LOWER', 'LOWER']);
  });

  it('ignores identities certified in another region where the policy requires the same region', () => {
    const mq = seedPolicy('411421-2023');
    const a = assessSubsidy(mq, {
      enrolmentRegionCode: '411421',
      asOf: '2023-10-01',
      identities: [identity('MINIMUM_LIVING', '620725')],
    });
    expect(a).toMatchObject({
      subsidyFen: 0,
      amountDueFen: 38000,
      considered: [{ outcome: 'CERTIFIED_ELSEWHERE' }],
    });
    // Shandan does not require it: the same identity counts there.
    const s23 = seedPolicy('620725-2023');
    expect(
      assessSubsidy(s23, {
        enrolmentRegionCode: '620725',
        asOf: '2023-10-01',
        identities: [identity('OUT_OF_POVERTY', '411421')],
      }).subsidyFen,
    ).toBe(10000);
  });

  it('ignores identities not valid on the date, from departments that cannot certify them, and after a cut-off', () => {
    const s23 = seedPolicy('620725-2023');
    const outcome = (i: IdentityPeriod, asOf = '2023-10-01') =>
      assessSubsidy(s23, { enrolmentRegionCode: '620725', asOf, identities: [i] }).considered[0].outcome;
    expect(outcome(identity('EXTREME_POVERTY', '620725', { validFrom: '2023-10-02' }))).toBe(
      'NOT_VALID_ON_DATE',
    );
    expect(outcome(identity('EXTREME_POVERTY', '620725', { validTo: '2023-09-30' }))).toBe(
      'NOT_VALID_ON_DATE',
    );
    expect(outcome(identity('EXTREME_POVERTY', '620725', { source: 'RURAL_REVITALIZATION' }))).toBe(
      'SOURCE_CANNOT_CERTIFY',
    );
    expect(outcome(identity('KEY_ENTITLED', '620725'))).toBe('NOT_IN_POLICY');
    const zj = seedPolicy('341323-2023');
    const late = assessSubsidy(zj, {
      enrolmentRegionCode: '341323',
      asOf: '2023-03-01',
      identities: [identity('MINIMUM_LIVING', '341323')],
    });
    expect(late).toMatchObject({ subsidyFen: 0, considered: [{ outcome: 'AFTER_SUBSIDY_CUTOFF' }] });
    const dynamic = assessSubsidy(zj, {
      enrolmentRegionCode: '341323',
      asOf: '2023-03-01',
      identities: [identity('MINIMUM_LIVING', '341323')],
      dynamicAddition: true,
    });
    expect(dynamic.subsidyFen).toBe(30000);
  });
});
