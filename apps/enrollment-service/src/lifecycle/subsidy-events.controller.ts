import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SubsidyAssessedV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import {
  ApplySubsidyAssessmentsCommand,
  ApplySubsidyAssessmentsHandler,
} from './apply-subsidy-assessments.handler';

/** subsidy.assessed from the subsidy service, a batch at a time. */
@Controller()
export class SubsidyEventsController {
  constructor(private readonly applySubsidyAssessments: ApplySubsidyAssessmentsHandler) {}

  @EventPattern(Topics.SubsidyAssessed)
  onAssessed(@Payload() events: ConsumedEvent<SubsidyAssessedV1>[], @Ctx() ctx: BatchContext): Promise<void> {
    return this.applySubsidyAssessments.execute(ApplySubsidyAssessmentsCommand.of(events, ctx.manager));
  }
}
