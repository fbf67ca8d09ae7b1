import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SubsidyAssessedV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { EnrollmentRepository, HistoryEntry } from '../enrollment.repository';
import { EnrolmentStateService } from '../standing/enrolment-state.service';

/**
 * subsidy.assessed: every assessment is kept per person and season at the instant the subsidy service
 * made it (a redelivery or a dead letter replayed late is the same row, so changes nothing), and the
 * enrolment's standing is recomputed from all of them in the order they were made: the amount due
 * follows the latest assessment made before the person paid in full; one made after that changes
 * nothing this season (no claw-back, no top-up) — the subsidy service pays any later subsidy by
 * one-card transfer — and is only noted in the history.
 */
@Controller()
export class SubsidyEventsController {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly state: EnrolmentStateService,
  ) {}

  @EventPattern(Topics.SubsidyAssessed)
  async onAssessed(
    @Payload() events: ConsumedEvent<SubsidyAssessedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const m = ctx.manager;
    const payloads = events.map((e) => e.envelope.payload);
    const fresh = await this.repository.insertAssessments(
      m,
      events.map((e) => ({
        idNumber: e.envelope.payload.idNumber,
        season: e.envelope.payload.season,
        assessedAt: e.envelope.payload.assessedAt,
        policyId: e.envelope.payload.policyId,
        category: e.envelope.payload.category ?? null,
        subsidyFen: e.envelope.payload.subsidyFen,
        mode: e.envelope.payload.mode ?? null,
        amountDueFen: e.envelope.payload.amountDueFen,
        reason: e.envelope.payload.reason,
        eventId: e.envelope.eventId,
      })),
    );
    const applied = payloads.filter((p) =>
      fresh.has(`${p.idNumber}:${p.season}:${new Date(p.assessedAt).getTime()}`),
    );
    if (applied.length === 0) return;
    const records = await this.repository.lockLive(m, applied);
    const standings = await this.state.recompute(m, records, 'subsidy-service', 'subsidy.assessed');
    const history: HistoryEntry[] = [];
    for (const r of records) {
      const s = standings.get(r.id)!;
      for (const a of applied.filter((p) => p.idNumber === r.idNumber && p.season === r.season)) {
        const at = new Date(a.assessedAt).getTime();
        if (s.ignoredAssessments.some((i) => i.assessedAt.getTime() === at)) {
          history.push({
            enrollmentId: r.id,
            actor: 'subsidy-service',
            change: 'ASSESSMENT_AFTER_PAYMENT',
            details: { ...a, note: 'paid in full already: nothing changes this season' },
          });
        } else {
          history.push({
            enrollmentId: r.id,
            actor: 'subsidy-service',
            change: 'ASSESSED',
            details: {
              amountDueFen: a.amountDueFen,
              subsidyFen: a.subsidyFen,
              category: a.category,
              mode: a.mode,
              reason: a.reason,
              assessedAt: a.assessedAt,
            },
          });
        }
      }
    }
    await this.repository.addHistory(m, history);
  }
}
