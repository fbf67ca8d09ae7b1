import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { StandingModule } from '../standing/standing.module';
import { CancelEnrollmentController } from './cancel-enrollment.controller';
import {
  CancelEnrollmentHandler,
  CancellationQueries,
  ConfirmCancellationHandler,
  RejectCancellationHandler,
} from './cancel-enrollment.handler';
import { EnrolmentCancellation } from './enrolment-cancellation';

/** Cancelling an enrolment; a paid one waits for a checker. */
@Module({
  imports: [StandingModule, ApprovalsModule],
  controllers: [CancelEnrollmentController],
  providers: [
    EnrolmentCancellation,
    CancelEnrollmentHandler,
    ConfirmCancellationHandler,
    RejectCancellationHandler,
    CancellationQueries,
  ],
  // A confirmed death list cancels through the same rule.
  exports: [EnrolmentCancellation],
})
export class CancellationModule {}
