import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { StandingModule } from '../standing/standing.module';
import { EmployeeInsuredController } from './employee-insured.controller';
import {
  ConfirmEmployeeInsuredListHandler,
  EmployeeInsuredQueries,
  EnterEmployeeInsuredListHandler,
  RejectEmployeeInsuredListHandler,
} from './employee-insured.handlers';
import { EmployeeInsuredRepository } from './employee-insured.repository';

/** The employee-insured list (职工医保参保名单), entered and confirmed by two holders. */
@Module({
  imports: [StandingModule, ApprovalsModule],
  controllers: [EmployeeInsuredController],
  providers: [
    EmployeeInsuredRepository,
    EnterEmployeeInsuredListHandler,
    ConfirmEmployeeInsuredListHandler,
    RejectEmployeeInsuredListHandler,
    EmployeeInsuredQueries,
  ],
  // Registration refuses, and batches reject, a person on the confirmed list (double cover).
  exports: [EmployeeInsuredRepository],
})
export class EmployeeInsuredModule {}
