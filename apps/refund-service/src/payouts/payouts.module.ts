import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { ConfirmPayoutHandler } from './confirm-payout.handler';
import { PayoutsController } from './payouts.controller';

@Module({
  imports: [RefundsCoreModule, PlansModule],
  controllers: [PayoutsController],
  providers: [ConfirmPayoutHandler],
})
export class PayoutsModule {}
