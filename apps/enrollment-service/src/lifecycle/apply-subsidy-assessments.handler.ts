import { Injectable } from '@nestjs/common';
import { IsArray, IsDefined } from 'class-validator';
import { EntityManager } from 'typeorm';
import { SubsidyAssessedV1 } from '@urrbmi/contracts';
import { ConsumedEvent } from '@urrbmi/messaging';
import { CommandHandler, validated } from '@urrbmi/platform';
import { EnrolmentStateService } from '../standing/enrolment-state.service';
import { EnrollmentRepository, HistoryEntry } from '../standing/enrollment.repository';
import { AssessmentRepository } from './assessment.repository';

/**
 * subsidy.assessed: every assessment is kept per person and season at the instant the subsidy service
 * made it (a redelivery or a dead letter replayed late is the same row, so changes nothing), and the
 * enrolment's standing is recomputed from all of them in the order they were made: the amount due
 * follows the latest assessment made before the person paid in full; one made after that changes
 * nothing this season (no claw-back, no top-up) — the subsidy service pays any later subsidy by
 * one-card transfer — and is only noted in the history.
 */
export class ApplySubsidyAssessmentsCommand {
  @IsArray()
  events!: ConsumedEvent<SubsidyAssessedV1>[];

  @IsDefined()
  manager!: EntityManager;

  static of(
    events: ConsumedEvent<SubsidyAssessedV1>[],
    manager: EntityManager,
  ): ApplySubsidyAssessmentsCommand {
    return validated(Object.assign(new ApplySubsidyAssessmentsCommand(), { events, manager }));
  }
}

@Injectable()
export class ApplySubsidyAssessmentsHandler implements CommandHandler<ApplySubsidyAssessmentsCommand, void> {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly state: EnrolmentStateService,
    private readonly assessments: AssessmentRepository,
  ) {}

  async execute({ events, manager: m }: ApplySubsidyAssessmentsCommand): Promise<void> {
    const payloads = events.map((e) => e.envelope.payload);
    const fresh = await this.assessments.insertAssessments(
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
    // The assessments new to this service, once each, per person and season.
    const applied = new Map<string, Map<number, SubsidyAssessedV1>>();
    for (const p of payloads) {
      const at = new Date(p.assessedAt).getTime();
      if (!fresh.has(`${p.idNumber}:${p.season}:${at}`)) continue;
      const key = `${p.idNumber}:${p.season}`;
      applied.set(key, (applied.get(key) ?? new Map()).set(at, p));
    }
    if (applied.size === 0) return;
    const records = await this.repository.lockLive(
      m,
      [...applied.values()].map((byInstant) => [...byInstant.values()][0]),
    );
    const standings = await this.state.recompute(m, records, 'subsidy-service', 'subsidy.assessed');
    const history: HistoryEntry[] = [];
    for (const r of records) {
      const s = standings.get(r.id)!;
      for (const a of applied.get(`${r.idNumber}:${r.season}`)?.values() ?? []) {
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
