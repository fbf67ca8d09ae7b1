import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { Clock } from '@urrbmi/platform';
import { PlansRepository } from '../plans/plans.repository';
import { RefundEvents } from '../refunds/refund-events';
import { RefundTransitions } from '../refunds/refund-transitions';
import { refundView, RefundView } from '../refunds/refund-view';
import { RefundsRepository } from '../refunds/refunds.repository';
import { ConfirmPayoutCommand } from './confirm-payout.command';

/**
 * 支付确认: the bank paid the refund (refund.paid goes to enrolment and reporting) or failed with its
 * reason; a failed refund leaves its plan and waits for the next one.
 */
@Injectable()
export class ConfirmPayoutHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly plans: PlansRepository,
    private readonly transitions: RefundTransitions,
    private readonly events: RefundEvents,
    private readonly clock: Clock,
  ) {}

  execute(cmd: ConfirmPayoutCommand): Promise<RefundView> {
    return inTransaction(this.dataSource, async (m) => {
      const [r] = await this.refunds.lock(m, [cmd.refundId]);
      if (!r) throw new NotFoundException(`no refund ${cmd.refundId}`);
      const now = this.clock.now();
      const paid = cmd.outcome === 'PAID';
      const to = await this.transitions.apply(
        m,
        [r],
        {
          command: paid ? 'CONFIRM_PAID' : 'CONFIRM_FAILED',
          actor: cmd.confirmedBy,
          at: now,
          reason: paid ? (cmd.bankReference ?? null) : cmd.failureReason!,
          details: {
            planId: r.planId,
            ...(cmd.bankReference ? { bankReference: cmd.bankReference } : {}),
          },
        },
        paid ? {} : { planId: null },
      );
      if (paid) await this.events.paid(m, r, now);
      else await this.plans.release(m, r.id, now);
      const after = { ...r, state: to, planId: paid ? r.planId : null };
      return refundView(after, await this.refunds.transitions(m, r.id));
    });
  }
}
