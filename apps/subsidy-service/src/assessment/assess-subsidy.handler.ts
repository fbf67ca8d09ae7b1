import { Injectable } from '@nestjs/common';
import { IsArray, IsOptional, IsString } from 'class-validator';
import { EntityManager } from 'typeorm';
import { SubsidyAssessed, SubsidyAssessedV1 } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, Command } from '@urrbmi/platform';
import { assessSubsidy, PolicyRegistry } from '@urrbmi/policy';
import { assessmentFingerprint, AssessmentRepository } from './assessment.repository';
import { IdentityRepository } from './identity.repository';

/** `AssessSubsidy`: (re-)assess these people's live enrolments, inside the caller's transaction. */
export class AssessSubsidyCommand extends Command {
  @IsString({ each: true })
  @IsArray()
  idNumbers!: string[];

  @IsOptional()
  @IsString()
  causationId?: string;
}

/**
 * (Re-)assesses enrolled people: highest subsidy wins, never two, with the policy of their region
 * and season. Until they have paid the whole standard they are judged on today's identities; after
 * that on the day they paid it (no claw-back, no top-up), so only the explanation can change — an
 * identity that began after payment is named as such (the monthly match decides its transfer).
 * A changed (or first) assessment is stored and published as `subsidy.assessed`. Runs in the
 * transaction of the use case that changed the facts (an enrolment event batch, a roster approval).
 */
@Injectable()
export class AssessSubsidyHandler {
  constructor(
    private readonly assessments: AssessmentRepository,
    private readonly identities: IdentityRepository,
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /** How many assessments changed. */
  async execute(m: EntityManager, cmd: AssessSubsidyCommand): Promise<number> {
    if (cmd.idNumbers.length === 0) return 0;
    const enrolments = await this.assessments.lockToAssess(m, cmd.idNumbers);
    const identities = await this.identities.of(
      m,
      enrolments.map((e) => e.idNumber),
    );
    const today = this.clock.today();
    const now = this.clock.now();
    const assessedAt = toShanghaiIso(now);
    const changed: SubsidyAssessedV1[] = [];
    for (const e of enrolments) {
      const policy = this.policies.find(e.regionCode, e.season);
      if (!policy) continue;
      const a = assessSubsidy(policy, {
        enrolmentRegionCode: e.regionCode,
        asOf: e.paidInFullOn ?? today,
        paidInFullOn: e.paidInFullOn,
        identities: identities.get(e.idNumber) ?? [],
      });
      // Unchanged: neither stored nor published again.
      if (e.current === assessmentFingerprint(a)) continue;
      changed.push({
        idNumber: e.idNumber,
        season: e.season,
        regionCode: e.regionCode,
        policyId: policy.id,
        category: a.category ?? undefined,
        subsidyFen: a.subsidyFen,
        mode: a.mode ?? undefined,
        amountDueFen: a.amountDueFen,
        route: a.route ?? undefined,
        reason: a.reason.slice(0, 500),
        reasonCode: a.reasonCode,
        assessedAt,
      });
    }
    if (changed.length === 0) return 0;
    await this.assessments.save(m, changed, now);
    await this.outbox.publish(
      m,
      changed.map((payload) => ({
        type: SubsidyAssessed.type,
        version: SubsidyAssessed.version,
        payload,
        causationId: cmd.causationId,
      })),
    );
    return changed.length;
  }
}
