import { Injectable } from '@nestjs/common';
import { IsArray, IsDefined } from 'class-validator';
import { EntityManager } from 'typeorm';
import { CancelReason, EnrollmentCancelled, RefundPaidV1 } from '@urrbmi/contracts';
import { shanghaiDate, toShanghaiIso } from '@urrbmi/domain';
import { ConsumedEvent, OutboxWriter } from '@urrbmi/messaging';
import { Clock, CommandHandler, validated } from '@urrbmi/platform';
import { EnrollmentRepository } from '../standing/enrollment.repository';
import { EnrolmentStateService } from '../standing/enrolment-state.service';
import { refundEntry, refundVoucher } from './ledger-entry';
import { LedgerRepository } from './ledger.repository';

/** Refund reasons that end the enrolment: the person left the scheme, so the refund cancels it. */
const ENDING_REASONS: Partial<Record<RefundPaidV1['reason'], CancelReason>> = {
  DEATH: 'DEATH',
  TRANSFER_OUT: 'TRANSFER_OUT',
  DOUBLE_COVER_EMPLOYEE: 'EMPLOYEE_INSURANCE',
};

/**
 * refund.paid: the money left the fund. It enters the ledger as a negative entry (an over-payment
 * or duplicate-payment refund clears the flag of a live enrolment, which stays); a refund for death,
 * transfer out or double cover first cancels a still-live enrolment with that reason (published as
 * enrollment.cancelled); a cancelled enrolment whose contribution was refunded becomes REFUNDED.
 */
export class ApplyRefundsPaidCommand {
  @IsArray()
  events!: ConsumedEvent<RefundPaidV1>[];

  @IsDefined()
  manager!: EntityManager;

  static of(events: ConsumedEvent<RefundPaidV1>[], manager: EntityManager): ApplyRefundsPaidCommand {
    return validated(Object.assign(new ApplyRefundsPaidCommand(), { events, manager }));
  }
}

@Injectable()
export class ApplyRefundsPaidHandler implements CommandHandler<ApplyRefundsPaidCommand, void> {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly state: EnrolmentStateService,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly ledger: LedgerRepository,
  ) {}

  async execute({ events, manager: m }: ApplyRefundsPaidCommand): Promise<void> {
    const payloads = events.map((e) => e.envelope.payload);
    const fresh = await this.ledger.insertPayments(m, events.map(refundEntry));
    const applied = payloads.filter((p) => fresh.has(refundVoucher(p.refundId)));
    const keys = applied.map((p) => ({ idNumber: p.idNumber, season: p.season }));
    await this.ledger.attachToLatest(
      m,
      applied.map((p) => refundVoucher(p.refundId)),
    );
    await this.cancelEndedByRefund(m, applied);
    const refunded = await this.repository.markRefunded(m, keys);
    await this.repository.addHistory(
      m,
      refunded.map((id) => ({ enrollmentId: id, actor: 'refund-service', change: 'REFUNDED', details: {} })),
    );
    await this.state.publishStanding(m, await this.repository.findByIds(m, refunded), 'refund.paid');
    await this.state.recompute(m, await this.repository.lockLive(m, keys), 'refund-service', 'refund.paid');
  }

  private async cancelEndedByRefund(m: EntityManager, paid: RefundPaidV1[]): Promise<void> {
    const ending = paid.filter((p) => ENDING_REASONS[p.reason]);
    const live = await this.repository.lockLive(
      m,
      ending.map((p) => ({ idNumber: p.idNumber, season: p.season })),
    );
    if (live.length === 0) return;
    const byKey = new Map(ending.map((p) => [`${p.idNumber}:${p.season}`, p]));
    const cancelledAt = toShanghaiIso(this.clock.now());
    const cancelled = live.map((e) => {
      const p = byKey.get(`${e.idNumber}:${e.season}`)!;
      return { e, p, reason: ENDING_REASONS[p.reason]!, effectiveDate: shanghaiDate(new Date(p.paidAt)) };
    });
    for (const reason of new Set(cancelled.map((c) => c.reason)))
      await this.repository.cancelMany(
        m,
        cancelled.filter((c) => c.reason === reason).map((c) => c.e.id),
        reason,
      );
    await this.repository.addHistory(
      m,
      cancelled.map((c) => ({
        enrollmentId: c.e.id,
        actor: 'refund-service',
        change: 'CANCELLED',
        details: { reason: c.reason, effectiveDate: c.effectiveDate, refundId: c.p.refundId },
      })),
    );
    await this.outbox.publish(
      m,
      cancelled.map((c) => ({
        type: EnrollmentCancelled.type,
        version: EnrollmentCancelled.version,
        payload: {
          enrollmentId: c.e.id,
          idNumber: c.e.idNumber,
          season: c.e.season,
          regionCode: c.e.regionCode,
          reason: c.reason,
          effectiveDate: c.effectiveDate,
          paidFen: c.e.paidFen,
          cancelledAt,
        },
      })),
    );
  }
}
