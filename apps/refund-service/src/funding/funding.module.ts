import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { FundRefundPlanHandler } from './fund-refund-plan.handler';
import { FundingController } from './funding.controller';

@Module({
  imports: [RefundsCoreModule, PlansModule],
  controllers: [FundingController],
  providers: [FundRefundPlanHandler],
})
export class FundingModule {}
