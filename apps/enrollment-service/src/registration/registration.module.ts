import { Module } from '@nestjs/common';
import { CancelEnrollmentController } from '../cancellation/cancel-enrollment.controller';
import { EmployeeInsuredController } from '../employee-insured/employee-insured.controller';
import { EnrollmentRepository } from '../enrollment.repository';
import { PaymentEventsController } from '../lifecycle/payment-events.controller';
import { SubsidyEventsController } from '../lifecycle/subsidy-events.controller';
import { PersonSeasonController } from '../person-season/person-season.controller';
import { EnrolmentStateService } from '../standing/enrolment-state.service';
import { RegisterEnrollmentHandler } from './register-enrollment.handler';
import { RegistrationController } from './registration.controller';

@Module({
  controllers: [
    RegistrationController,
    CancelEnrollmentController,
    PersonSeasonController,
    EmployeeInsuredController,
    PaymentEventsController,
    SubsidyEventsController,
  ],
  providers: [EnrollmentRepository, RegisterEnrollmentHandler, EnrolmentStateService],
})
export class RegistrationModule {}
