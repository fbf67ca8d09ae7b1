import { Module } from '@nestjs/common';
import { BatchController } from '../batch/batch.controller';
import { BatchProcessor } from '../batch/batch-processor';
import { ImportEnrollmentBatchHandler } from '../batch/import-enrollment-batch.handler';
import { BatchRepository } from '../batch/batch.repository';
import { ApprovalRepository } from '../approvals/approval.repository';
import { CancelEnrollmentController } from '../cancellation/cancel-enrollment.controller';
import {
  CancelEnrollmentHandler,
  CancellationQueries,
  ConfirmCancellationHandler,
  RejectCancellationHandler,
} from '../cancellation/cancel-enrollment.handler';
import { EnrolmentCancellation } from '../cancellation/enrolment-cancellation';
import { EmployeeInsuredController } from '../employee-insured/employee-insured.controller';
import {
  ConfirmEmployeeInsuredListHandler,
  EmployeeInsuredQueries,
  EnterEmployeeInsuredListHandler,
  RejectEmployeeInsuredListHandler,
} from '../employee-insured/employee-insured.handlers';
import { DeathListController } from '../death-list/death-list.controller';
import {
  ConfirmDeathListHandler,
  DeathListQueries,
  EnterDeathList,
  RejectDeathListHandler,
} from '../death-list/death-list.handlers';
import { DeathListRepository } from '../death-list/death-list.repository';
import { EmployeeInsuredRepository } from '../employee-insured/employee-insured.repository';
import { ApplyRefundsPaidHandler } from '../lifecycle/apply-refunds-paid.handler';
import { ApplySubsidyAssessmentsHandler } from '../lifecycle/apply-subsidy-assessments.handler';
import { AssessmentRepository } from '../lifecycle/assessment.repository';
import { LedgerRepository } from '../lifecycle/ledger.repository';
import { PaymentEventsController } from '../lifecycle/payment-events.controller';
import { RecordLedgerEntriesHandler } from '../lifecycle/record-ledger-entries.handler';
import { RefundEventsController } from '../lifecycle/refund-events.controller';
import { SubsidyEventsController } from '../lifecycle/subsidy-events.controller';
import { PersonSeasonController } from '../person-season/person-season.controller';
import { EnrolmentStateService } from '../standing/enrolment-state.service';
import { EnrollmentRepository } from '../standing/enrollment.repository';
import { RegisterEnrollmentHandler } from './register-enrollment.handler';
import { RegistrationController } from './registration.controller';
import { RegistrationRepository } from './registration.repository';
import { RelayWakeup } from './relay-wakeup';

@Module({
  controllers: [
    BatchController,
    DeathListController,
    RegistrationController,
    CancelEnrollmentController,
    PersonSeasonController,
    EmployeeInsuredController,
    PaymentEventsController,
    SubsidyEventsController,
    RefundEventsController,
  ],
  providers: [
    // the enrolment (with its history), its ledger, the subsidy assessments, the employee-insured list
    EnrollmentRepository,
    LedgerRepository,
    AssessmentRepository,
    EmployeeInsuredRepository,
    RegisterEnrollmentHandler,
    RegistrationRepository,
    RelayWakeup,
    EnrolmentStateService,
    BatchRepository,
    BatchProcessor,
    RecordLedgerEntriesHandler,
    ApplyRefundsPaidHandler,
    ApplySubsidyAssessmentsHandler,
    ApprovalRepository,
    EnrolmentCancellation,
    CancelEnrollmentHandler,
    ConfirmCancellationHandler,
    RejectCancellationHandler,
    CancellationQueries,
    EnterEmployeeInsuredListHandler,
    ConfirmEmployeeInsuredListHandler,
    RejectEmployeeInsuredListHandler,
    EmployeeInsuredQueries,
    ImportEnrollmentBatchHandler,
    DeathListRepository,
    EnterDeathList,
    ConfirmDeathListHandler,
    RejectDeathListHandler,
    DeathListQueries,
  ],
})
export class RegistrationModule {}
