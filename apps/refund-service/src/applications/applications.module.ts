import { Module } from '@nestjs/common';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { ApplicationsController } from './applications.controller';
import { RefundQueries } from './refund-queries';
import { SubmitRefundApplicationHandler } from './submit-refund-application.handler';
import { SubmitRefundBatchHandler } from './submit-refund-batch';

@Module({
  imports: [RefundsCoreModule],
  controllers: [ApplicationsController],
  providers: [SubmitRefundApplicationHandler, SubmitRefundBatchHandler, RefundQueries],
  exports: [SubmitRefundApplicationHandler],
})
export class ApplicationsModule {}
