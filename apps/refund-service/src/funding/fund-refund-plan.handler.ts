import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { RefundPlanFunded, RefundPlanFundedV1 } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { planView, PlanView } from '../plans/plan-view';
import { PlansRepository } from '../plans/plans.repository';
import { RefundErrors } from '../refunds/refund.errors';
import { planTransition } from '../refunds/refund-state-machine';
import { RefundTransitions } from '../refunds/refund-transitions';
import { RefundsRepository } from '../refunds/refunds.repository';
import { FundRefundPlanCommand } from './fund-refund-plan.command';
import { FundingErrors } from './funding.errors';

/**
 * 财政拨付: finance confirms it moved the plan total into the fund's expenditure account. Any other
 * amount is refused and nothing changes; once funded, the plan's refunds may be paid out.
 */
@Injectable()
export class FundRefundPlanHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly refunds: RefundsRepository,
    private readonly transitions: RefundTransitions,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  execute(cmd: FundRefundPlanCommand): Promise<PlanView> {
    return inTransaction(this.dataSource, async (m) => {
      const plan = await this.plans.lock(m, cmd.planId);
      if (!plan) throw new NotFoundException(`no refund plan ${cmd.planId}`);
      const t = planTransition(plan.state, 'FUND');
      if (!t.ok) throw RefundErrors.ILLEGAL_TRANSITION(`plan ${plan.id}: ${t.message}`);
      if (cmd.amountFen !== plan.totalFen)
        throw FundingErrors.FUNDING_MISMATCH(
          `funding of ${cmd.amountFen} fen does not match the plan total of ${plan.totalFen} fen`,
          { planTotalFen: plan.totalFen, amountFen: cmd.amountFen },
        );
      const now = this.clock.now();
      const refunds = await this.refunds.lock(m, await this.plans.currentRefundIds(m, plan.id));
      await this.plans.markFunded(m, plan.id, cmd.fundedBy, now, cmd.amountFen, cmd.reference);
      await this.transitions.apply(m, refunds, {
        command: 'FUND',
        actor: cmd.fundedBy,
        at: now,
        reason: cmd.reference,
        details: { planId: plan.id, amountFen: cmd.amountFen },
      });
      const payload: RefundPlanFundedV1 = {
        planId: plan.id,
        refundCount: refunds.length,
        amountFen: cmd.amountFen,
        reference: cmd.reference,
        fundedBy: cmd.fundedBy,
        fundedAt: toShanghaiIso(now),
      };
      await this.outbox.publish(m, [
        { type: RefundPlanFunded.type, version: RefundPlanFunded.version, payload },
      ]);
      return planView({
        ...plan,
        state: t.to,
        fundedBy: cmd.fundedBy,
        fundedAt: now,
        fundedAmountFen: cmd.amountFen,
        fundingReference: cmd.reference,
      });
    });
  }
}
