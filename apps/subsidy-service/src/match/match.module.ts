import { Module } from '@nestjs/common';
import { AssessmentModule } from '../assessment/assessment.module';
import { ListTransfersHandler } from './list-transfers.handler';
import { MatchRunRepository } from './match-run.repository';
import { MatchController } from './match.controller';
import { MonthlyMatchScheduler } from './monthly-match.scheduler';
import { RunMonthlyMatchHandler } from './run-monthly-match.handler';
import { TransferRepository } from './transfer.repository';

/** The monthly match (月度比对) and the one-card transfers it requests. */
@Module({
  imports: [AssessmentModule],
  controllers: [MatchController],
  providers: [
    TransferRepository,
    MatchRunRepository,
    RunMonthlyMatchHandler,
    ListTransfersHandler,
    MonthlyMatchScheduler,
  ],
  // Settlements apply the bank's results to these transfers.
  exports: [TransferRepository],
})
export class MatchModule {}
