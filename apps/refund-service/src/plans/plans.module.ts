import { Module } from '@nestjs/common';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { PlanQueries } from './plan-queries';
import { PlansController } from './plans.controller';
import { PlansRepository } from './plans.repository';
import { SubmitRefundPlanHandler } from './submit-refund-plan.handler';

@Module({
  imports: [RefundsCoreModule],
  controllers: [PlansController],
  providers: [PlansRepository, SubmitRefundPlanHandler, PlanQueries],
  exports: [PlansRepository],
})
export class PlansModule {}
