import { Module } from '@nestjs/common';
import { EmployeeInsuredModule } from '../employee-insured/employee-insured.module';
import { StandingModule } from '../standing/standing.module';
import { RegisterEnrollmentHandler } from './register-enrollment.handler';
import { RegistrationController } from './registration.controller';
import { RegistrationRepository } from './registration.repository';
import { RelayWakeup } from './relay-wakeup';

/** Registration (参保登记) of one person, by the API, a batch row or a renewal that just pays. */
@Module({
  imports: [StandingModule, EmployeeInsuredModule],
  controllers: [RegistrationController],
  providers: [RegisterEnrollmentHandler, RegistrationRepository, RelayWakeup],
  exports: [RegisterEnrollmentHandler],
})
export class RegistrationModule {}
