import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  EnrollmentActivatedV1,
  EnrollmentCancelledV1,
  EnrollmentRegisteredV1,
  EnrollmentStandingV1,
  SubsidyAssessedV1,
  Topics,
} from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { EnrolmentFact, FINAL_VERSION, RosterRepository } from './roster.repository';

const payloads = <P extends object>(events: ConsumedEvent<P>[]) => events.map((e) => e.envelope.payload);

/**
 * Builds the collection roster from enrollment.registered, enrollment.standing and subsidy.assessed
 * (and enrollment.activated / enrollment.cancelled, for producers older than enrollment.standing),
 * one set-based write per batch. Facts of one person arrive on different topics in any order; the
 * repository keeps the latest by the facts' own order, so a late registration never overwrites an
 * ACTIVE or CANCELLED standing, and a standing for a person not seen yet is kept until the
 * registration fills in the name.
 */
@Controller()
export class RosterEventsController {
  constructor(private readonly roster: RosterRepository) {}

  @EventPattern(Topics.EnrollmentRegistered)
  async onRegistered(
    @Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.roster.applyEnrolmentFacts(
      ctx.manager,
      payloads(events).map((p) => ({
        ...fact(p, p.enrollmentId, 0, 'REGISTERED'),
        name: p.name,
        registeredAt: p.registeredAt,
        registeredDueFen: p.amountDueFen,
        placeholderDueFen: p.amountDueFen,
      })),
    );
  }

  @EventPattern(Topics.EnrollmentStanding)
  async onStanding(
    @Payload() events: ConsumedEvent<EnrollmentStandingV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.roster.applyEnrolmentFacts(
      ctx.manager,
      payloads(events).map((p) => ({
        ...fact(p, p.enrollmentId, p.standingVersion, p.status === 'REFUNDED' ? 'CANCELLED' : p.status),
        registeredAt: p.registeredAt,
        placeholderDueFen: p.amountDueFen,
      })),
    );
  }

  @EventPattern(Topics.EnrollmentActivated)
  async onActivated(
    @Payload() events: ConsumedEvent<EnrollmentActivatedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.roster.applyEnrolmentFacts(
      ctx.manager,
      payloads(events).map((p) => ({ ...fact(p, p.enrollmentId, 0, 'ACTIVE'), legacyActivation: true })),
    );
  }

  @EventPattern(Topics.EnrollmentCancelled)
  async onCancelled(
    @Payload() events: ConsumedEvent<EnrollmentCancelledV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    // Cancellation ends an enrolment for good: nothing of the same enrolment can come after it.
    await this.roster.applyEnrolmentFacts(
      ctx.manager,
      payloads(events).map((p) => fact(p, p.enrollmentId, FINAL_VERSION, 'CANCELLED')),
    );
  }

  @EventPattern(Topics.SubsidyAssessed)
  async onAssessed(
    @Payload() events: ConsumedEvent<SubsidyAssessedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.roster.applyAssessments(
      ctx.manager,
      payloads(events).map((p) => ({
        idNumber: p.idNumber,
        season: p.season,
        regionCode: p.regionCode,
        amountDueFen: p.amountDueFen,
        category: p.category ?? null,
        assessedAt: p.assessedAt,
      })),
    );
  }
}

function fact(
  p: { idNumber: string; season: number; regionCode: string; townshipCode?: string; villageCode?: string },
  enrollmentId: string,
  version: number,
  status: EnrolmentFact['status'],
): EnrolmentFact {
  return {
    idNumber: p.idNumber,
    season: p.season,
    regionCode: p.regionCode,
    townshipCode: p.townshipCode ?? null,
    villageCode: p.villageCode ?? null,
    name: null,
    enrollmentId,
    registeredAt: null,
    version,
    status,
    registeredDueFen: null,
    placeholderDueFen: 0,
    legacyActivation: false,
  };
}
