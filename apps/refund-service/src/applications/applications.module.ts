import { Module } from '@nestjs/common';
import { RefundsCoreModule } from '../refunds/refunds-core.module';
import { ApplicationsController } from './applications.controller';
import { RefundQueries } from './refund-queries';
import { SubmitRefundApplicationHandler } from './submit-refund-application.handler';

@Module({
  imports: [RefundsCoreModule],
  controllers: [ApplicationsController],
  providers: [SubmitRefundApplicationHandler, RefundQueries],
  exports: [SubmitRefundApplicationHandler],
})
export class ApplicationsModule {}
