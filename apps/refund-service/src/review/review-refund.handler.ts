import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { refundPaidReasonOf } from '@urrbmi/contracts';
import { Clock, DomainError } from '@urrbmi/platform';
import { PolicyRegistry, refundPrechecks } from '@urrbmi/policy';
import { ProjectionsRepository } from '../projections/projections.repository';
import { Refund } from '../refunds/refund.model';
import { RefundEvents } from '../refunds/refund-events';
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
    private readonly projections: ProjectionsRepository,
    private readonly transitions: RefundTransitions,
    private readonly events: RefundEvents,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
  ) {}

  execute(cmd: ReviewRefundCommand): Promise<RefundView> {
    return inTransaction(this.dataSource, async (m) => {
      const [r] = await this.refunds.lock(m, [cmd.refundId]);
      if (!r) throw new NotFoundException(`no refund ${cmd.refundId}`);
      this.transitions.check([r], cmd.decision);
      const now = this.clock.now();
      const payment = await this.projections.payment(m, r.voucherNo);
      const known = payment && payment.amountFen !== null ? payment : undefined;
      const precheck = refundPrechecks({
        policy: payment ? this.policies.find(payment.regionCode, payment.season) : undefined,
        reason: refundPaidReasonOf(r.reason),
        // The policy judges the application on the day the tax bureau accepted it, not the day of review.
        date: r.enteredOn,
        idNumber: r.idNumber,
        requestedFen: r.amountFen,
        payment: known
          ? { idNumber: known.idNumber, amountFen: known.amountFen!, reversed: known.reversed }
          : payment?.reversed
            ? { idNumber: payment.idNumber, amountFen: 0, reversed: true }
            : null,
        refundedFen: await this.refunds.paidBackOnVoucher(m, r.voucherNo, r.id),
      });
      const guard = reviewGuard({
        decision: cmd.decision,
        reviewer: cmd.reviewer,
        enteredBy: r.enteredBy,
        override: cmd.override,
        precheckPassed: precheck.passed,
        paymentKnown: payment !== undefined,
      });
      if (!guard.ok) throw new DomainError(guard.code, guard.message, guard.status, { precheck });
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
