import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { RefundPlanSubmitted, RefundPlanSubmittedV1 } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { ProjectionsRepository } from '../projections/projections.repository';
import { RefundTransitions } from '../refunds/refund-transitions';
import { RefundsRepository } from '../refunds/refunds.repository';
import { PlanErrors } from './plan.errors';
import { planTotals } from './plan-totals';
import { PlanView, planView } from './plan-view';
import { PlansRepository, RefundPlan } from './plans.repository';
import { SubmitRefundPlanCommand } from './submit-refund-plan.command';

const MAX_REFUNDS_PER_PLAN = 50_000;

/**
 * 编制退费用款计划: bundles approved refunds (and failed payouts to try again) into one plan with
 * totals by reason and township, moves each to PLANNED and publishes refund.plan.submitted.
 */
@Injectable()
export class SubmitRefundPlanHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly projections: ProjectionsRepository,
    private readonly plans: PlansRepository,
    private readonly transitions: RefundTransitions,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  execute(cmd: SubmitRefundPlanCommand): Promise<PlanView> {
    return inTransaction(this.dataSource, async (m) => {
      let refunds;
      if (cmd.refundIds) {
        const wanted = [...new Set(cmd.refundIds)];
        refunds = await this.refunds.lock(m, wanted);
        const found = new Set(refunds.map((r) => r.id));
        const missing = wanted.filter((id) => !found.has(id));
        if (missing.length)
          throw PlanErrors.REFUND_NOT_FOUND(`${missing.length} refunds do not exist`, { missing });
      } else {
        refunds = await this.refunds.lockPlannable(m, cmd.regionCode, MAX_REFUNDS_PER_PLAN);
      }
      if (refunds.length === 0) throw PlanErrors.NOTHING_TO_PLAN('no approved refund is waiting for a plan');
      // A payment reversed after its refund was approved is never planned without a fresh decision
      // (unless the approval overrode that very failure): withdraw the refund first.
      const reversed = await this.projections.reversedVouchers(
        m,
        refunds.map((r) => r.voucherNo),
      );
      const unsafe = refunds.filter(
        (r) => reversed.has(r.voucherNo) && !r.precheck.failures.some((f) => f.code === 'PAYMENT_REVERSED'),
      );
      if (unsafe.length)
        throw PlanErrors.PAYMENT_REVERSED_SINCE_APPROVAL(
          `${unsafe.length} refunds are for payments reversed since their approval: withdraw them first`,
          { refundIds: unsafe.map((r) => r.id) },
        );
      const now = this.clock.now();
      const plan: RefundPlan = {
        id: randomUUID(),
        state: 'SUBMITTED',
        refundCount: refunds.length,
        ...planTotals(refunds),
        note: cmd.note ?? null,
        submittedBy: cmd.submittedBy,
        submittedAt: now,
        fundedBy: null,
        fundedAt: null,
        fundedAmountFen: null,
        fundingReference: null,
      };
      this.transitions.check(refunds, 'PLAN');
      await this.plans.insert(m, plan, refunds);
      await this.transitions.apply(
        m,
        refunds,
        {
          command: 'PLAN',
          actor: cmd.submittedBy,
          at: now,
          reason: cmd.note ?? null,
          details: { planId: plan.id },
        },
        { planId: plan.id },
      );
      const payload: RefundPlanSubmittedV1 = {
        planId: plan.id,
        refundCount: plan.refundCount,
        totalFen: plan.totalFen,
        totals: plan.totals,
        refundIds: refunds.map((r) => r.id),
        submittedBy: plan.submittedBy,
        submittedAt: toShanghaiIso(now),
      };
      await this.outbox.publish(m, [
        { type: RefundPlanSubmitted.type, version: RefundPlanSubmitted.version, payload },
      ]);
      return planView(plan);
    });
  }
}
