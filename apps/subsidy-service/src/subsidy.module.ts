import { Module } from '@nestjs/common';
import { AssessmentService } from './assessment/assessment.service';
import { AssessmentsController } from './assessment/assessments.controller';
import { EnrolmentEventsController } from './assessment/enrolment-events.controller';
import { MatchController } from './match/match.controller';
import { RosterRepository } from './rosters/roster.repository';
import { RostersController } from './rosters/rosters.controller';

@Module({
  controllers: [RostersController, MatchController, AssessmentsController, EnrolmentEventsController],
  providers: [RosterRepository, AssessmentService],
})
export class SubsidyModule {}
