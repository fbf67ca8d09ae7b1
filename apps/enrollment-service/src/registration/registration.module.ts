import { Module } from '@nestjs/common';
import { EnrollmentRepository } from './enrollment.repository';
import { RegisterEnrollmentHandler } from './register-enrollment.handler';
import { RegistrationController } from './registration.controller';

@Module({
  controllers: [RegistrationController],
  providers: [EnrollmentRepository, RegisterEnrollmentHandler],
})
export class RegistrationModule {}
