import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CancelReason, EnrollmentCancelled } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { EnrollmentRecord, EnrollmentRepository } from '../standing/enrollment.repository';
import { EnrolmentStateService } from '../standing/enrolment-state.service';

/** One enrolment to cancel, locked by the caller and known to be live. */
export interface Cancellation {
  enrolment: EnrollmentRecord;
  reason: CancelReason;
  effectiveDate: string;
  /** Extra history details (e.g. the death list's batch id). */
  details?: Record<string, unknown>;
}

/**
 * The one way an enrolment is cancelled (`CancelEnrollment`), whatever asked for it — the cancel
 * route, its confirmation by a checker, a death list: the enrolment becomes CANCELLED, the history
 * says who and why, and `enrollment.cancelled` (with what was paid, for the refund desk) and
 * `enrollment.standing` are published in the caller's transaction. Set-based.
 */
@Injectable()
export class EnrolmentCancellation {
  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly standing: EnrolmentStateService,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async apply(m: EntityManager, cs: Cancellation[], actor: string, correlationId?: string): Promise<void> {
    if (cs.length === 0) return;
    const byReason = new Map<CancelReason, string[]>();
    for (const c of cs) byReason.set(c.reason, [...(byReason.get(c.reason) ?? []), c.enrolment.id]);
    for (const [reason, ids] of byReason) await this.enrollments.cancelMany(m, ids, reason);
    await this.enrollments.addHistory(
      m,
      cs.map((c) => ({
        enrollmentId: c.enrolment.id,
        actor,
        change: 'CANCELLED',
        details: { reason: c.reason, effectiveDate: c.effectiveDate, ...c.details },
      })),
    );
    const cancelledAt = toShanghaiIso(this.clock.now());
    await this.outbox.publish(
      m,
      cs.map((c) => ({
        type: EnrollmentCancelled.type,
        version: EnrollmentCancelled.version,
        correlationId,
        payload: {
          enrollmentId: c.enrolment.id,
          idNumber: c.enrolment.idNumber,
          season: c.enrolment.season,
          regionCode: c.enrolment.regionCode,
          reason: c.reason,
          effectiveDate: c.effectiveDate,
          paidFen: c.enrolment.paidFen,
          cancelledAt,
        },
      })),
    );
    await this.standing.publishStanding(
      m,
      await this.enrollments.findByIds(
        m,
        cs.map((c) => c.enrolment.id),
      ),
      'cancellation',
      undefined,
      correlationId,
    );
  }
}
