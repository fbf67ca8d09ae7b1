import { contractCatalog } from './contract-catalog';
import { refundPaidReasonOf } from './events/refund-paid/refund-paid.event';
import { EnrollmentRegistered } from './events/enrollment-registered/enrollment-registered.event';

const payload = {
  enrollmentId: '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a10',
  idNumber: '11010519491231002X',
  name: '张三',
  season: 2023,
  regionCode: '110105',
  kind: 'NEW',
  policyId: '110105-2023',
  amountDueFen: 38000,
  registeredAt: '2023-10-01T09:00:00.000+08:00',
};

function envelope(p: object, extra: object = {}) {
  return JSON.stringify({
    eventId: '5b0f3e1c-7c55-4c1d-9a71-0e7c3a0e9a10',
    type: 'enrollment.registered',
    version: 1,
    occurredAt: '2023-10-01T09:00:00.000+08:00',
    producer: 'enrollment-service',
    correlationId: '7c55a0e7-3a0e-4c1d-9a71-5b0f3e1c9a10',
    causationId: null,
    key: '11010519491231002X',
    payload: p,
    ...extra,
  });
}

describe('event catalog', () => {
  const catalog = contractCatalog();

  it('keys enrollment.registered by the resident ID number', () => {
    expect(catalog.preparePayload(EnrollmentRegistered.type, 1, payload).key).toBe('11010519491231002X');
  });

  it('validates the payload when producing', () => {
    expect(() =>
      catalog.preparePayload('enrollment.registered', 1, { ...payload, idNumber: '110105194912310021' }),
    ).toThrow(
      'invalid enrollment.registered@1 payload: idNumber: idNumber must be a valid resident ID number',
    );
    expect(() => catalog.preparePayload('enrollment.registered', 1, { ...payload, amountFen: 1 })).toThrow(
      'property amountFen should not exist',
    );
  });

  it('validates envelope and payload when consuming', () => {
    expect(catalog.parse(envelope(payload)).payload).toMatchObject({ season: 2023 });
    expect(() => catalog.parse('{')).toThrow(/^message is not JSON/);
    expect(() => catalog.parse(envelope(payload, { occurredAt: '2023-10-01T09:00:00' }))).toThrow(
      'occurredAt must be ISO-8601 with an offset',
    );
    expect(() => catalog.parse(envelope(payload, { version: 2 }))).toThrow(
      'unknown event: enrollment.registered version 2',
    );
    expect(() => catalog.parse(envelope({ ...payload, season: '2023' }))).toThrow(
      'season must be an integer number',
    );
  });

  it('keys enrollment.standing by the resident ID number and refuses a standing without a version', () => {
    const standing = {
      enrollmentId: payload.enrollmentId,
      idNumber: payload.idNumber,
      season: 2023,
      regionCode: '110105',
      registeredAt: payload.registeredAt,
      standingVersion: 2,
      status: 'REGISTERED',
      amountDueFen: 38000,
      paidFen: 0,
      subsidyEnjoyedFen: 0,
      cause: 'payment.reversed',
      changedAt: '2023-10-17T11:00:00.000+08:00',
    };
    expect(catalog.preparePayload('enrollment.standing', 1, standing).key).toBe('11010519491231002X');
    expect(() =>
      catalog.preparePayload('enrollment.standing', 1, { ...standing, standingVersion: 0 }),
    ).toThrow('standingVersion must not be less than 1');
    expect(() => catalog.preparePayload('enrollment.standing', 1, { ...standing, status: 'PAID' })).toThrow(
      /status must be one of the following values/,
    );
  });
});

describe('refund events', () => {
  const catalog = contractCatalog();
  const planId = '3f6d1d0e-2b7e-4a51-9d0e-0c1f5c9b7a11';
  const submitted = {
    planId,
    refundCount: 1,
    totalFen: 32000,
    totals: [
      { reason: 'DOUBLE_COVER', regionCode: '620725', townshipCode: '620725100', count: 1, amountFen: 32000 },
    ],
    refundIds: ['5b0f3e1c-7c55-4c1d-9a71-0e7c3a0e9a10'],
    submittedBy: 'mib-clerk',
    submittedAt: '2022-01-10T10:00:00+08:00',
  };

  it('keys plan events by plan id and validates their totals line by line', () => {
    expect(catalog.preparePayload('refund.plan.submitted', 1, submitted).key).toBe(planId);
    expect(() =>
      catalog.preparePayload('refund.plan.submitted', 1, {
        ...submitted,
        totals: [{ ...submitted.totals[0], amountFen: 0 }],
      }),
    ).toThrow('totals.0.amountFen: amountFen must not be less than 1');
  });

  it('maps the application reason DOUBLE_COVER to refund.paid v1 DOUBLE_COVER_EMPLOYEE', () => {
    expect(refundPaidReasonOf('DOUBLE_COVER')).toBe('DOUBLE_COVER_EMPLOYEE');
    expect(refundPaidReasonOf('DEATH')).toBe('DEATH');
  });
});
