import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  EnrollmentActivatedV1,
  EnrollmentCancelledV1,
  EnrollmentRegisteredV1,
  PaymentRecordedV1,
  PaymentReversedV1,
  Topics,
} from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { ProjectEnrolmentsCommand, ProjectEnrolmentsHandler } from './project-enrolments';
import { ProjectPaymentsCommand, ProjectPaymentsHandler } from './project-payments';

const payloads = <P extends object>(events: ConsumedEvent<P>[]): P[] => events.map((e) => e.envelope.payload);

/** The events the refund desk learns from: the tax bureau's payments and the enrolments. */
@Controller()
export class SourceEventsController {
  constructor(
    private readonly payments: ProjectPaymentsHandler,
    private readonly enrolments: ProjectEnrolmentsHandler,
  ) {}

  @EventPattern(Topics.PaymentRecorded)
  onPaymentRecorded(@Payload() events: ConsumedEvent<PaymentRecordedV1>[], @Ctx() ctx: BatchContext) {
    return this.payments.execute(
      ctx.manager,
      ProjectPaymentsCommand.create({ recorded: payloads(events), reversed: [] }),
    );
  }

  @EventPattern(Topics.PaymentReversed)
  onPaymentReversed(@Payload() events: ConsumedEvent<PaymentReversedV1>[], @Ctx() ctx: BatchContext) {
    return this.payments.execute(
      ctx.manager,
      ProjectPaymentsCommand.create({ recorded: [], reversed: payloads(events) }),
    );
  }

  @EventPattern(Topics.EnrollmentRegistered)
  onRegistered(@Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[], @Ctx() ctx: BatchContext) {
    return this.enrolments.execute(
      ctx.manager,
      ProjectEnrolmentsCommand.create({ registered: payloads(events), activated: [], cancelled: [] }),
    );
  }

  @EventPattern(Topics.EnrollmentActivated)
  onActivated(@Payload() events: ConsumedEvent<EnrollmentActivatedV1>[], @Ctx() ctx: BatchContext) {
    return this.enrolments.execute(
      ctx.manager,
      ProjectEnrolmentsCommand.create({ registered: [], activated: payloads(events), cancelled: [] }),
    );
  }

  @EventPattern(Topics.EnrollmentCancelled)
  onCancelled(@Payload() events: ConsumedEvent<EnrollmentCancelledV1>[], @Ctx() ctx: BatchContext) {
    return this.enrolments.execute(
      ctx.manager,
      ProjectEnrolmentsCommand.create({ registered: [], activated: [], cancelled: payloads(events) }),
    );
  }
}
