import { Module } from '@nestjs/common';
import { AssessmentModule } from './assessment/assessment.module';
import { MatchModule } from './match/match.module';
import { RostersModule } from './rosters/rosters.module';
import { SettlementModule } from './settlement/settlement.module';

/** The subsidy service's root module: one module per feature folder. */
@Module({
  imports: [AssessmentModule, RostersModule, MatchModule, SettlementModule],
})
export class SubsidyModule {}
