import { Module } from '@nestjs/common';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { ReviewRefundHandler } from './review-refund.handler';
import { ReviewController } from './review.controller';
import { WithdrawRefundHandler } from './withdraw-refund.handler';

@Module({
  imports: [RefundsCoreModule],
  controllers: [ReviewController],
  providers: [ReviewRefundHandler, WithdrawRefundHandler],
})
export class ReviewModule {}
