import { Module } from '@nestjs/common';
import { AssessmentRepository } from '../lifecycle/assessment.repository';
import { LedgerRepository } from '../lifecycle/ledger.repository';
import { EnrolmentStateService } from './enrolment-state.service';
import { EnrollmentRepository } from './enrollment.repository';

/**
 * The enrolment and its standing. The standing is computed from the enrolment, its ledger and its
 * subsidy assessments, so their repositories are provided here, once, for every feature.
 */
@Module({
  providers: [EnrollmentRepository, LedgerRepository, AssessmentRepository, EnrolmentStateService],
  exports: [EnrollmentRepository, LedgerRepository, AssessmentRepository, EnrolmentStateService],
})
export class StandingModule {}
