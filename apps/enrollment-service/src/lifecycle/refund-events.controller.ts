import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RefundPaidV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { EnrollmentRepository } from '../enrollment.repository';
import { EnrolmentStateService } from '../standing/enrolment-state.service';

/**
 * refund.paid: the money left the fund. It enters the ledger as a negative entry (an over-payment
 * refund clears the flag of a live enrolment); a cancelled enrolment whose contribution was refunded
 * becomes REFUNDED.
 */
@Controller()
export class RefundEventsController {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly state: EnrolmentStateService,
  ) {}

  @EventPattern(Topics.RefundPaid)
  async onPaid(@Payload() events: ConsumedEvent<RefundPaidV1>[], @Ctx() ctx: BatchContext): Promise<void> {
    const m = ctx.manager;
    const payloads = events.map((e) => e.envelope.payload);
    const fresh = await this.repository.insertPayments(
      m,
      events.map((e) => ({
        voucherNo: `refund:${e.envelope.payload.refundId}`,
        idNumber: e.envelope.payload.idNumber,
        season: e.envelope.payload.season,
        kind: 'REFUND' as const,
        originalVoucherNo: null,
        amountFen: -e.envelope.payload.amountFen,
        channel: null,
        paidAt: e.envelope.payload.paidAt,
        eventId: e.envelope.eventId,
      })),
    );
    const applied = payloads.filter((p) => fresh.has(`refund:${p.refundId}`));
    const keys = applied.map((p) => ({ idNumber: p.idNumber, season: p.season }));
    await this.repository.attachToLatest(
      m,
      applied.map((p) => `refund:${p.refundId}`),
    );
    const refunded = await this.repository.markRefunded(m, keys);
    await this.repository.addHistory(
      m,
      refunded.map((id) => ({ enrollmentId: id, actor: 'refund-service', change: 'REFUNDED', details: {} })),
    );
    await this.state.publishStanding(m, await this.repository.findByIds(m, refunded), 'refund.paid');
    await this.state.recompute(m, await this.repository.lockLive(m, keys), 'refund-service', 'refund.paid');
  }
}
