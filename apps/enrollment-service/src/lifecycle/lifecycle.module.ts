import { Module } from '@nestjs/common';
import { RegistrationModule } from '../registration/registration.module';
import { StandingModule } from '../standing/standing.module';
import { ApplyRefundsPaidHandler } from './apply-refunds-paid.handler';
import { ApplySubsidyAssessmentsHandler } from './apply-subsidy-assessments.handler';
import { PaymentEventsController } from './payment-events.controller';
import { RecordLedgerEntriesHandler } from './record-ledger-entries.handler';
import { RefundEventsController } from './refund-events.controller';
import { SubsidyEventsController } from './subsidy-events.controller';

/** What the other services tell the enrolment: payments and reversals, refunds paid, assessments. */
@Module({
  imports: [StandingModule, RegistrationModule],
  controllers: [PaymentEventsController, SubsidyEventsController, RefundEventsController],
  providers: [RecordLedgerEntriesHandler, ApplyRefundsPaidHandler, ApplySubsidyAssessmentsHandler],
})
export class LifecycleModule {}
