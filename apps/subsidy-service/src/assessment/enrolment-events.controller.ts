import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EnrollmentRegisteredV1, EnrollmentStandingV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { RecordEnrolmentsCommand, RecordEnrolmentsHandler } from './record-enrolments.handler';

/** Enrolment facts from enrollment-service, one batch per call (see `RecordEnrolments`). */
@Controller()
export class EnrolmentEventsController {
  constructor(private readonly record: RecordEnrolmentsHandler) {}

  @EventPattern(Topics.EnrollmentRegistered)
  onRegistered(@Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[], @Ctx() ctx: BatchContext) {
    const cmd = RecordEnrolmentsCommand.ofRegistrations(events.map((e) => e.envelope.payload));
    return this.record.execute(ctx.manager, cmd);
  }

  @EventPattern(Topics.EnrollmentStanding)
  onStanding(@Payload() events: ConsumedEvent<EnrollmentStandingV1>[], @Ctx() ctx: BatchContext) {
    const cmd = RecordEnrolmentsCommand.ofStandings(events.map((e) => e.envelope.payload));
    return this.record.execute(ctx.manager, cmd);
  }
}
