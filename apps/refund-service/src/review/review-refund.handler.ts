import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { Clock } from '@urrbmi/platform';
import { RefundErrors } from '../refunds/refund.errors';
import { Refund } from '../refunds/refund.model';
import { RefundEvents } from '../refunds/refund-events';
import { RefundPrechecks } from '../refunds/refund-prechecks';
import { reviewGuard } from '../refunds/refund-state-machine';
import { RefundTransitions } from '../refunds/refund-transitions';
import { refundView, RefundView } from '../refunds/refund-view';
import { RefundsRepository } from '../refunds/refunds.repository';
import { ReviewRefundCommand } from './review-refund.command';

/**
 * 医保审核: approves or rejects an application. The pre-checks run again on today's facts (the
 * payment may have arrived, or been reversed, since intake), judged on the day the application was
 * accepted, and are stored with the decision.
 */
@Injectable()
export class ReviewRefundHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly prechecks: RefundPrechecks,
    private readonly transitions: RefundTransitions,
    private readonly events: RefundEvents,
    private readonly clock: Clock,
  ) {}

  execute(cmd: ReviewRefundCommand): Promise<RefundView> {
    return inTransaction(this.dataSource, async (m) => {
      const [r] = await this.refunds.lock(m, [cmd.refundId]);
      if (!r) throw new NotFoundException(`no refund ${cmd.refundId}`);
      this.transitions.check([r], cmd.decision);
      const now = this.clock.now();
      // Judged on the day the tax bureau accepted the application, not the day of review.
      const { precheck, payment } = await this.prechecks.run(m, { ...r, date: r.enteredOn, refundId: r.id });
      const guard = reviewGuard({
        decision: cmd.decision,
        reviewer: cmd.reviewer,
        enteredBy: r.enteredBy,
        override: cmd.override,
        precheckPassed: precheck.passed,
        paymentKnown: payment?.amountFen != null,
      });
      if (!guard.ok) throw RefundErrors[guard.code](guard.message, { precheck });
      const place = payment
        ? { season: payment.season, regionCode: payment.regionCode, townshipCode: payment.townshipCode }
        : undefined;
      const to = await this.transitions.apply(
        m,
        [r],
        {
          command: cmd.decision,
          actor: cmd.reviewer,
          at: now,
          reason: cmd.reason,
          details: { precheck, ...(cmd.override ? { override: cmd.override } : {}) },
        },
        { precheck, place },
      );
      const after: Refund = { ...r, state: to, precheck, ...(place ?? {}) };
      if (cmd.decision === 'APPROVE') await this.events.approved(m, after, cmd.reviewer, now, cmd.override);
      else await this.events.rejected(m, after, cmd.reviewer, now, cmd.reason);
      return refundView(after, await this.refunds.transitions(m, r.id));
    });
  }
}
