import { Injectable } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt } from 'class-validator';
import { IsResidentId } from '@urrbmi/contracts';
import { Command } from '@urrbmi/platform';
import { AssessmentErrors } from './assessment.errors';
import { AssessmentRepository } from './assessment.repository';
import { IdentityRepository } from './identity.repository';

/** `GetAssessment`: a person's assessment for a season, with every identity period certified. */
export class GetAssessmentQuery extends Command {
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsResidentId()
  idNumber!: string;

  @IsInt()
  season!: number;
}

@Injectable()
export class GetAssessmentHandler {
  constructor(
    private readonly assessments: AssessmentRepository,
    private readonly identities: IdentityRepository,
  ) {}

  async execute(q: GetAssessmentQuery) {
    const a = await this.assessments.find(q.idNumber, q.season);
    if (!a)
      throw AssessmentErrors.ASSESSMENT_NOT_FOUND(`no assessment for this person in season ${q.season}`);
    const identities = await this.identities.of(this.assessments.manager, [q.idNumber]);
    return {
      idNumber: q.idNumber,
      season: q.season,
      policyId: a.policyId,
      category: a.category,
      subsidyFen: a.subsidyFen,
      mode: a.mode,
      amountDueFen: a.amountDueFen,
      route: a.route,
      reasonCode: a.reasonCode,
      reason: a.reason,
      assessedAt: a.assessedAt,
      identities: identities.get(q.idNumber) ?? [],
    };
  }
}
