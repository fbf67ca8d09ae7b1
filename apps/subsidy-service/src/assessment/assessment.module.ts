import { Module } from '@nestjs/common';
import { AssessSubsidyHandler } from './assess-subsidy.handler';
import { AssessmentRepository } from './assessment.repository';
import { AssessmentsController } from './assessments.controller';
import { EnrolmentEventsController } from './enrolment-events.controller';
import { EnrolmentRepository } from './enrolment.repository';
import { GetAssessmentHandler } from './get-assessment.handler';
import { IdentityRepository } from './identity.repository';
import { ListProxyPaymentsHandler } from './list-proxy-payments.handler';
import { ProxyPaymentsController } from './proxy-payments.controller';
import { RecordEnrolmentsHandler } from './record-enrolments.handler';

/** Who is assessed for what: enrolments as the enrollment service publishes them, identities, assessments. */
@Module({
  controllers: [AssessmentsController, ProxyPaymentsController, EnrolmentEventsController],
  providers: [
    EnrolmentRepository,
    AssessmentRepository,
    IdentityRepository,
    RecordEnrolmentsHandler,
    AssessSubsidyHandler,
    GetAssessmentHandler,
    ListProxyPaymentsHandler,
  ],
  // The match reads enrolments and identities; an approved roster reassesses the people it names.
  exports: [EnrolmentRepository, IdentityRepository, AssessSubsidyHandler],
})
export class AssessmentModule {}
