import { randomUUID } from 'node:crypto';
import { EventInjector } from './events';

/**
 * Enrollment-service's events for test people of season 2023, as the subsidy service receives them:
 * a registration, then the standing once the full standard (380 yuan) is paid. One enrolment id per
 * person, so the standing belongs to the registration it follows.
 */
export class EnrolmentEvents {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly inject: EventInjector,
    private readonly registeredAt: string,
  ) {}

  private enrollmentIdOf(id: string): string {
    return this.ids.get(id) ?? this.ids.set(id, randomUUID()).get(id)!;
  }

  registered(id: string, region: string) {
    return this.inject.envelope('enrollment.registered', {
      enrollmentId: this.enrollmentIdOf(id),
      idNumber: id,
      name: '参保人',
      season: 2023,
      regionCode: region,
      kind: 'NEW',
      policyId: `${region}-2023`,
      amountDueFen: 38000,
      registeredAt: this.registeredAt,
    });
  }

  /** Paid in full at `paidAt`, as enrollment-service judges it (the one source of that fact). */
  paidInFull(id: string, region: string, paidAt: string) {
    return this.inject.envelope('enrollment.standing', {
      enrollmentId: this.enrollmentIdOf(id),
      idNumber: id,
      season: 2023,
      regionCode: region,
      registeredAt: this.registeredAt,
      standingVersion: 1,
      status: 'ACTIVE',
      amountDueFen: 38000,
      paidFen: 38000,
      subsidyEnjoyedFen: 0,
      paidAs: 'PAID',
      paidInFullOn: paidAt.slice(0, 10),
      benefitStart: '2024-01-01',
      benefitEnd: '2024-12-31',
      cause: 'payment.recorded',
      changedAt: paidAt,
    });
  }
}
