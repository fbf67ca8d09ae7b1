import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SubsidyAssessedV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { EnrollmentRepository, HistoryEntry } from '../enrollment.repository';
import { EnrolmentStateService } from '../standing/enrolment-state.service';

/**
 * subsidy.assessed: the amount due follows the latest assessment until the person has paid in full;
 * after that nothing changes this season (no claw-back, no top-up) — the subsidy service pays any
 * later subsidy by one-card transfer — and the assessment is only noted in the history.
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
    // The latest assessment per person and season in this batch wins (events of one key are ordered).
    const latest = new Map<string, SubsidyAssessedV1>();
    for (const e of events)
      latest.set(`${e.envelope.payload.idNumber}:${e.envelope.payload.season}`, e.envelope.payload);
    const records = await this.repository.lockLive(m, [...latest.values()]);
    const open = [];
    const history: HistoryEntry[] = [];
    for (const r of records) {
      const a = latest.get(`${r.idNumber}:${r.season}`)!;
      if (r.status === 'ACTIVE') {
        history.push({
          enrollmentId: r.id,
          actor: 'subsidy-service',
          change: 'ASSESSMENT_AFTER_PAYMENT',
          details: { ...a, note: 'paid in full already: nothing changes this season' },
        });
        continue;
      }
      open.push({
        ...r,
        amountDueFen: a.amountDueFen,
        subsidyFen: a.subsidyFen,
        subsidyCategory: a.category ?? null,
        subsidyMode: a.mode ?? null,
        subsidyReason: a.reason,
      });
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
        },
      });
    }
    await this.repository.updateStates(m, open);
    await this.repository.addHistory(m, history);
    // A new amount due may complete (or over-complete) what was already paid.
    await this.state.recompute(m, open, 'subsidy-service', 'subsidy.assessed');
  }
}
