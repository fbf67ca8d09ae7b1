import { Module } from '@nestjs/common';
import { BatchController } from '../batch/batch.controller';
import { BatchProcessor } from '../batch/batch-processor';
import { ImportEnrollmentBatchHandler } from '../batch/import-enrollment-batch.handler';
import { BatchRepository } from '../batch/batch.repository';
import { CancelEnrollmentController } from '../cancellation/cancel-enrollment.controller';
import { EmployeeInsuredController } from '../employee-insured/employee-insured.controller';
import { EnrollmentRepository } from '../enrollment.repository';
import { PaymentEventsController } from '../lifecycle/payment-events.controller';
import { RefundEventsController } from '../lifecycle/refund-events.controller';
import { SubsidyEventsController } from '../lifecycle/subsidy-events.controller';
import { PersonSeasonController } from '../person-season/person-season.controller';
import { EnrolmentStateService } from '../standing/enrolment-state.service';
import { RegisterEnrollmentHandler } from './register-enrollment.handler';
import { RegistrationController } from './registration.controller';

@Module({
  controllers: [
    BatchController,
    RegistrationController,
    CancelEnrollmentController,
    PersonSeasonController,
    EmployeeInsuredController,
    PaymentEventsController,
    SubsidyEventsController,
    RefundEventsController,
  ],
  providers: [
    EnrollmentRepository,
    RegisterEnrollmentHandler,
    EnrolmentStateService,
    BatchRepository,
    BatchProcessor,
    ImportEnrollmentBatchHandler,
  ],
})
export class RegistrationModule {}
