import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EnrollmentRegisteredV1, EnrollmentStandingV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { AssessmentService } from './assessment.service';
import { EnrolmentFact, EnrolmentRepository } from './enrolment.repository';

/**
 * What the subsidy service needs to know of enrolments, kept set-based per batch: who is enrolled
 * (enrollment.registered) and how each enrolment stands (enrollment.standing: paid in full on which
 * date, undone by a reversal or refund, cancelled). "Paid in full" is enrollment-service's judgement,
 * never re-derived here from payments, so a payment arriving before the registration, a reversal or
 * a refund counts exactly as it does there.
 */
type Standing = Pick<EnrolmentFact, 'version' | 'status' | 'paidFen' | 'paidInFullOn' | 'subsidyEnjoyedFen'>;

/** A registration is version 0 of its enrolment: nothing paid yet. */
const NOT_PAID_YET: Standing = {
  version: 0,
  status: 'REGISTERED',
  paidFen: 0,
  paidInFullOn: null,
  subsidyEnjoyedFen: 0,
};

function enrolmentFact(
  p: Pick<EnrolmentFact, 'idNumber' | 'season' | 'regionCode' | 'enrollmentId' | 'registeredAt'>,
  standing: Standing,
): EnrolmentFact {
  return {
    idNumber: p.idNumber,
    season: p.season,
    regionCode: p.regionCode,
    enrollmentId: p.enrollmentId,
    registeredAt: p.registeredAt,
    ...standing,
  };
}

@Controller()
export class EnrolmentEventsController {
  constructor(
    private readonly assessment: AssessmentService,
    private readonly enrolments: EnrolmentRepository,
  ) {}

  @EventPattern(Topics.EnrollmentRegistered)
  async onRegistered(
    @Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = events.map((e) => e.envelope.payload);
    await this.enrolments.apply(
      ctx.manager,
      ps.map((p) => enrolmentFact(p, NOT_PAID_YET)),
    );
    await this.assessment.reassess(
      ctx.manager,
      ps.map((p) => p.idNumber),
    );
  }

  @EventPattern(Topics.EnrollmentStanding)
  async onStanding(
    @Payload() events: ConsumedEvent<EnrollmentStandingV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = events.map((e) => e.envelope.payload);
    await this.enrolments.apply(
      ctx.manager,
      ps.map((p) =>
        enrolmentFact(p, {
          version: p.standingVersion,
          status: p.status,
          paidFen: p.paidFen,
          paidInFullOn: p.status === 'ACTIVE' ? (p.paidInFullOn ?? null) : null,
          subsidyEnjoyedFen: p.subsidyEnjoyedFen,
        }),
      ),
    );
    // Someone no longer paid in full (a reversal) is assessed again on today's identities.
    await this.assessment.reassess(
      ctx.manager,
      ps.filter((p) => p.status === 'REGISTERED').map((p) => p.idNumber),
    );
  }
}
