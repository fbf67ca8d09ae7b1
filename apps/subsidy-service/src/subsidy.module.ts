import { Module } from '@nestjs/common';
import { AssessSubsidyHandler } from './assessment/assess-subsidy.handler';
import { AssessmentRepository } from './assessment/assessment.repository';
import { AssessmentsController } from './assessment/assessments.controller';
import { EnrolmentEventsController } from './assessment/enrolment-events.controller';
import { EnrolmentRepository } from './assessment/enrolment.repository';
import { GetAssessmentHandler } from './assessment/get-assessment.handler';
import { IdentityRepository } from './assessment/identity.repository';
import { ListProxyPaymentsHandler } from './assessment/list-proxy-payments.handler';
import { ProxyPaymentsController } from './assessment/proxy-payments.controller';
import { RecordEnrolmentsHandler } from './assessment/record-enrolments.handler';
import { ListTransfersHandler } from './match/list-transfers.handler';
import { MatchRunRepository } from './match/match-run.repository';
import { MatchController } from './match/match.controller';
import { MonthlyMatchScheduler } from './match/monthly-match.scheduler';
import { RunMonthlyMatchHandler } from './match/run-monthly-match.handler';
import { TransferRepository } from './match/transfer.repository';
import {
  ApproveRosterHandler,
  GetRosterHandler,
  RejectRosterHandler,
  StageRosterHandler,
} from './rosters/roster.handlers';
import { RosterRepository } from './rosters/roster.repository';
import { RosterProcessor } from './rosters/roster-processor';
import { RostersController } from './rosters/rosters.controller';
import {
  EnterSettlementHandler,
  GetSettlementHandler,
  RejectSettlementHandler,
  SettleTransfersHandler,
} from './settlement/settlement.handlers';
import { SettlementRepository } from './settlement/settlement.repository';
import { SettlementsController } from './settlement/settlements.controller';

@Module({
  controllers: [
    RostersController,
    MatchController,
    SettlementsController,
    AssessmentsController,
    ProxyPaymentsController,
    EnrolmentEventsController,
  ],
  providers: [
    // repositories, one per aggregate
    EnrolmentRepository,
    AssessmentRepository,
    IdentityRepository,
    RosterRepository,
    TransferRepository,
    MatchRunRepository,
    SettlementRepository,
    // use cases
    RecordEnrolmentsHandler,
    AssessSubsidyHandler,
    GetAssessmentHandler,
    ListProxyPaymentsHandler,
    RosterProcessor,
    StageRosterHandler,
    ApproveRosterHandler,
    RejectRosterHandler,
    GetRosterHandler,
    RunMonthlyMatchHandler,
    ListTransfersHandler,
    EnterSettlementHandler,
    SettleTransfersHandler,
    RejectSettlementHandler,
    GetSettlementHandler,
    MonthlyMatchScheduler,
  ],
})
export class SubsidyModule {}
