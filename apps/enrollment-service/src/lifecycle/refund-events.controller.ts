import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RefundPaidV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { ApplyRefundsPaidCommand, ApplyRefundsPaidHandler } from './apply-refunds-paid.handler';

/** refund.paid from the refund service, a batch at a time. */
@Controller()
export class RefundEventsController {
  constructor(private readonly applyRefundsPaid: ApplyRefundsPaidHandler) {}

  @EventPattern(Topics.RefundPaid)
  onPaid(@Payload() events: ConsumedEvent<RefundPaidV1>[], @Ctx() ctx: BatchContext): Promise<void> {
    return this.applyRefundsPaid.execute(ApplyRefundsPaidCommand.of(events, ctx.manager));
  }
}
