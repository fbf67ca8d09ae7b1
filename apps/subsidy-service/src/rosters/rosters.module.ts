import { Module } from '@nestjs/common';
import { AssessmentModule } from '../assessment/assessment.module';
import { RosterProcessor } from './roster-processor';
import {
  ApproveRosterHandler,
  GetRosterHandler,
  RejectRosterHandler,
  StageRosterHandler,
} from './roster.handlers';
import { RosterRepository } from './roster.repository';
import { RostersController } from './rosters.controller';

/** Department rosters: staged through the file job by a clerk, approved by a second holder. */
@Module({
  imports: [AssessmentModule],
  controllers: [RostersController],
  providers: [
    RosterRepository,
    RosterProcessor,
    StageRosterHandler,
    ApproveRosterHandler,
    RejectRosterHandler,
    GetRosterHandler,
  ],
})
export class RostersModule {}
