import { Module } from '@nestjs/common';
import { AssessmentService } from './assessment/assessment.service';
import { AssessmentsController } from './assessment/assessments.controller';
import { EnrolmentEventsController } from './assessment/enrolment-events.controller';
import { EnrolmentRepository } from './assessment/enrolment.repository';
import { ProxyPaymentsController } from './assessment/proxy-payments.controller';
import { MatchController } from './match/match.controller';
import { MonthlyMatchScheduler } from './match/monthly-match.scheduler';
import { MonthlyMatchService } from './match/monthly-match.service';
import { RosterRepository } from './rosters/roster.repository';
import { RostersController } from './rosters/rosters.controller';

@Module({
  controllers: [
    RostersController,
    MatchController,
    AssessmentsController,
    ProxyPaymentsController,
    EnrolmentEventsController,
  ],
  providers: [
    EnrolmentRepository,
    RosterRepository,
    AssessmentService,
    MonthlyMatchService,
    MonthlyMatchScheduler,
  ],
})
export class SubsidyModule {}
