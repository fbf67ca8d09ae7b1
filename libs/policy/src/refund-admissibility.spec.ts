import { refundAdmissibility } from './refund-admissibility';
import { seedPolicy } from './test-policies';

describe('refund admissibility', () => {
  const s21 = seedPolicy('620725-2021');

  it('refuses a double-cover refund once the benefit period started (Shandan 2021)', () => {
    expect(refundAdmissibility(s21, 'DOUBLE_COVER_EMPLOYEE', '2021-12-31')).toMatchObject({
      decision: 'ADMISSIBLE',
    });
    expect(refundAdmissibility(s21, 'DOUBLE_COVER_EMPLOYEE', '2022-01-01')).toEqual({
      decision: 'INADMISSIBLE',
      reason: 'double cover: not refunded once the benefit period started on 2022-01-01 (S21 三(三))',
    });
  });

  it('sends what the policy does not state to review, and refunds over-payments', () => {
    expect(
      refundAdmissibility(seedPolicy('620725-2023'), 'DOUBLE_COVER_EMPLOYEE', '2024-02-01').decision,
    ).toBe('REVIEW');
    expect(refundAdmissibility(s21, 'DEATH', '2022-03-01').decision).toBe('REVIEW');
    expect(refundAdmissibility(s21, 'DUPLICATE_PAYMENT', '2022-03-01').decision).toBe('ADMISSIBLE');
  });
});
