import fc from 'fast-check';
import { ASSESSMENT_REASON_CODES, assessSubsidy, AssessmentReasonCode } from './subsidy-assessment';
import { identity, seedPolicy } from './test-policies';

/** Every "no" names its reason: one code and one exact message per cause (issue 13, item 3). */
describe('assessment reason codes', () => {
  const s21 = seedPolicy('620725-2021');
  const s23 = seedPolicy('620725-2023');
  const mq = seedPolicy('411421-2023');
  const zj = seedPolicy('341323-2023');

  const cases: [AssessmentReasonCode, ReturnType<typeof assessSubsidy>, string][] = [
    [
      'SUBSIDISED',
      assessSubsidy(s23, {
        enrolmentRegionCode: '620725',
        asOf: '2023-10-15',
        identities: [identity('EXTREME_POVERTY', '620725')],
      }),
      '特困人员 (CIVIL_AFFAIRS): FULL 38000 fen, highest of 1 (S23 五(一)1, 五(二)1 — 会同资金拨付部门按个人缴费标准全额代缴 (the paying department is not named))',
    ],
    [
      'NO_IDENTITY',
      assessSubsidy(s23, { enrolmentRegionCode: '620725', asOf: '2023-10-15', identities: [] }),
      'no identity on any approved roster for this person',
    ],
    [
      'CERTIFIED_ELSEWHERE',
      assessSubsidy(mq, {
        enrolmentRegionCode: '411421',
        asOf: '2023-10-15',
        identities: [identity('RETURNED_TO_POVERTY', '620725')],
      }),
      '返贫致贫人口 (RETURNED_TO_POVERTY) was certified in 620725; 411421-2023 subsidises only identities certified where the person enrols (411421) (MQ 二(二)2)',
    ],
    [
      'CATEGORY_NOT_IN_POLICY',
      assessSubsidy(mq, {
        enrolmentRegionCode: '411421',
        asOf: '2023-10-15',
        identities: [identity('MONITORED', '411421')],
      }),
      '监测人口 (MONITORED) gets no subsidy under 411421-2023: the policy has no rule for this category',
    ],
    [
      'IDENTITY_BEGAN_AFTER_PAYMENT',
      assessSubsidy(s23, {
        enrolmentRegionCode: '620725',
        asOf: '2023-10-16',
        paidInFullOn: '2023-10-16',
        identities: [identity('EXTREME_POVERTY', '620725', { validFrom: '2023-11-05' })],
      }),
      '特困人员 (EXTREME_POVERTY) began on 2023-11-05, after the standard was paid in full on 2023-10-16: the contribution is not reduced; the monthly match decides any transfer',
    ],
    [
      'IDENTITY_NOT_VALID_ON_DATE',
      assessSubsidy(s23, {
        enrolmentRegionCode: '620725',
        asOf: '2023-10-15',
        identities: [identity('OUT_OF_POVERTY', '620725', { validTo: '2023-09-30' })],
      }),
      '已脱贫人口 (OUT_OF_POVERTY) is valid from 2020-01-01 to 2023-09-30, not on 2023-10-15',
    ],
    [
      'SOURCE_CANNOT_CERTIFY',
      assessSubsidy(s23, {
        enrolmentRegionCode: '620725',
        asOf: '2023-10-15',
        identities: [{ ...identity('EXTREME_POVERTY', '620725'), source: 'VETERANS' }],
      }),
      '特困人员 (EXTREME_POVERTY) cannot be certified by VETERANS',
    ],
    [
      'AMOUNT_NOT_STATED',
      assessSubsidy(s21, {
        enrolmentRegionCode: '620725',
        asOf: '2021-10-15',
        identities: [identity('MINIMUM_LIVING', '620725')],
      }),
      '低保对象 (MINIMUM_LIVING): 620725-2021 does not state the amount (set by 张医保发〔2021〕52号, which is not among the seeds)',
    ],
    [
      'AFTER_SUBSIDY_CUTOFF',
      assessSubsidy(zj, {
        enrolmentRegionCode: '341323',
        asOf: '2023-03-10',
        identities: [identity('MINIMUM_LIVING', '341323')],
      }),
      '低保对象 (MINIMUM_LIVING): no new subsidised enrolment after 2023-02-28 under 341323-2023 (ZJ 三(二)2)',
    ],
    [
      'CATEGORY_GETS_NOTHING',
      assessSubsidy(zj, {
        enrolmentRegionCode: '341323',
        asOf: '2022-11-10',
        identities: [identity('STABLE_OUT_OF_POVERTY', '341323')],
      }),
      '稳定脱贫人口（未纳入监测）: no subsidy under 341323-2023 (ZJ 三(二)2(3))',
    ],
  ];

  it.each(cases)('%s with its exact message', (code, assessment, message) => {
    expect(assessment.reasonCode).toBe(code);
    expect(assessment.reason).toBe(message);
    if (code !== 'SUBSIDISED') expect(assessment.subsidyFen).toBe(0);
  });

  it('covers every code there is', () => {
    expect(cases.map(([code]) => code).sort()).toEqual([...ASSESSMENT_REASON_CODES].sort());
  });

  it('after payment, judges on the payment date: a later identity never changes the amount due (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (daysLater) => {
        const paidOn = '2023-10-16';
        const later = new Date(Date.UTC(2023, 9, 16 + daysLater)).toISOString().slice(0, 10);
        const a = assessSubsidy(s23, {
          enrolmentRegionCode: '620725',
          asOf: paidOn,
          paidInFullOn: paidOn,
          identities: [identity('MINIMUM_LIVING_RURAL_CLASS_1_2', '620725', { validFrom: later })],
        });
        return (
          a.subsidyFen === 0 && a.amountDueFen === 38000 && a.reasonCode === 'IDENTITY_BEGAN_AFTER_PAYMENT'
        );
      }),
    );
  });

  it('a subsidy wins over any refusal beside it, and the most telling refusal explains a zero', () => {
    const both = assessSubsidy(mq, {
      enrolmentRegionCode: '411421',
      asOf: '2023-10-15',
      identities: [identity('MONITORED', '411421'), identity('MINIMUM_LIVING', '620725')],
    });
    expect(both.reasonCode).toBe('CERTIFIED_ELSEWHERE');
    const withOne = assessSubsidy(mq, {
      enrolmentRegionCode: '411421',
      asOf: '2023-10-15',
      identities: [identity('MONITORED', '411421'), identity('MINIMUM_LIVING', '411421')],
    });
    expect(withOne).toMatchObject({ reasonCode: 'SUBSIDISED', subsidyFen: 8000 });
  });
});
