import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CancellationModule } from '../cancellation/cancellation.module';
import { DeathListController } from '../death-list/death-list.controller';
import {
  ConfirmDeathListHandler,
  DeathListQueries,
  EnterDeathList,
  RejectDeathListHandler,
} from '../death-list/death-list.handlers';
import { DeathListRepository } from '../death-list/death-list.repository';
import { EmployeeInsuredModule } from '../employee-insured/employee-insured.module';
import { RegistrationModule } from '../registration/registration.module';
import { StandingModule } from '../standing/standing.module';
import { BatchController } from './batch.controller';
import { BatchProcessor } from './batch-processor';
import { BatchRepository } from './batch.repository';
import { ImportEnrollmentBatchHandler } from './import-enrollment-batch.handler';

/**
 * Batch files: registrations and death lists. A death list arrives as a batch and waits for its
 * checker as one, so the death-list folder's providers are registered here rather than in a module
 * that would import this one and be imported by it.
 */
@Module({
  imports: [StandingModule, ApprovalsModule, RegistrationModule, EmployeeInsuredModule, CancellationModule],
  controllers: [BatchController, DeathListController],
  providers: [
    BatchRepository,
    BatchProcessor,
    ImportEnrollmentBatchHandler,
    DeathListRepository,
    EnterDeathList,
    ConfirmDeathListHandler,
    RejectDeathListHandler,
    DeathListQueries,
  ],
})
export class BatchModule {}
