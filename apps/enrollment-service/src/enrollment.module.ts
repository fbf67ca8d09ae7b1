import { Module } from '@nestjs/common';
import { BatchModule } from './batch/batch.module';
import { CancellationModule } from './cancellation/cancellation.module';
import { EmployeeInsuredModule } from './employee-insured/employee-insured.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { PersonSeasonModule } from './person-season/person-season.module';
import { RegistrationModule } from './registration/registration.module';

/** The enrollment service's root module: one module per feature folder. */
@Module({
  imports: [
    BatchModule,
    RegistrationModule,
    CancellationModule,
    PersonSeasonModule,
    EmployeeInsuredModule,
    LifecycleModule,
  ],
})
export class EnrollmentModule {}
