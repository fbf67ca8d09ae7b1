import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { Clock } from '@urrbmi/platform';
import { RefundErrors } from '../refunds/refund.errors';
import { RefundEvents } from '../refunds/refund-events';
import { reviewGuard } from '../refunds/refund-state-machine';
import { RefundTransitions } from '../refunds/refund-transitions';
import { refundView, RefundView } from '../refunds/refund-view';
import { RefundsRepository } from '../refunds/refunds.repository';
import { WithdrawRefundCommand } from './withdraw-refund.command';

/**
 * 撤销: MIB takes back an approval before any money moved for it — approved and not yet planned, or
 * its payout failed — e.g. the payment was reversed since, or the account is closed for good. The
 * refund ends REJECTED (refund.rejected is published) and its voucher is free for a new application.
 */
@Injectable()
export class WithdrawRefundHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly transitions: RefundTransitions,
    private readonly events: RefundEvents,
    private readonly clock: Clock,
  ) {}

  execute(cmd: WithdrawRefundCommand): Promise<RefundView> {
    return inTransaction(this.dataSource, async (m) => {
      const [r] = await this.refunds.lock(m, [cmd.refundId]);
      if (!r) throw new NotFoundException(`no refund ${cmd.refundId}`);
      this.transitions.check([r], 'WITHDRAW');
      const guard = reviewGuard({
        decision: 'WITHDRAW',
        reviewer: cmd.withdrawnBy,
        enteredBy: r.enteredBy,
        precheckPassed: r.precheck.passed,
        paymentKnown: true,
      });
      if (!guard.ok) throw RefundErrors[guard.code](guard.message);
      const now = this.clock.now();
      const to = await this.transitions.apply(
        m,
        [r],
        { command: 'WITHDRAW', actor: cmd.withdrawnBy, at: now, reason: cmd.reason },
        { planId: null },
      );
      const after = { ...r, state: to, planId: null };
      await this.events.rejected(m, after, cmd.withdrawnBy, now, cmd.reason);
      return refundView(after, await this.refunds.transitions(m, r.id));
    });
  }
}
