import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { ProjectEventsCommand } from './project-events.command';
import { ProjectEventsHandler } from './project-events.handler';

type Batch = ConsumedEvent[];

/** Every topic the reporting service projects; each method hands its batch to the one use case. */
@Controller()
export class ProjectionEventsController {
  constructor(private readonly project: ProjectEventsHandler) {}

  private apply(events: Batch, ctx: BatchContext): Promise<void> {
    return this.project.execute(ProjectEventsCommand.of(ctx.topic, events, ctx.manager));
  }

  @EventPattern(Topics.EnrollmentRegistered)
  onRegistered(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.EnrollmentActivated)
  onActivated(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.EnrollmentCancelled)
  onCancelled(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.PaymentRecorded)
  onPayment(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.PaymentReversed)
  onReversal(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.SubsidyAssessed)
  onAssessed(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.SubsidyTransferRequested)
  onTransferRequested(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.SubsidyTransferSettled)
  onTransferSettled(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.RefundPaid)
  onRefundPaid(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.FeedAccepted)
  onFeedAccepted(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }

  @EventPattern(Topics.FeedLate)
  onFeedLate(@Payload() e: Batch, @Ctx() c: BatchContext) {
    return this.apply(e, c);
  }
}
