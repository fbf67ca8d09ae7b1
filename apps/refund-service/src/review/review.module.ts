import { Module } from '@nestjs/common';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { ReviewRefundHandler } from './review-refund.handler';
import { ReviewController } from './review.controller';

@Module({
  imports: [RefundsCoreModule],
  controllers: [ReviewController],
  providers: [ReviewRefundHandler],
})
export class ReviewModule {}
