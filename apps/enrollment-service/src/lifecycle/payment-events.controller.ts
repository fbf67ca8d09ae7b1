import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PaymentRecordedV1, PaymentReversedV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { paymentEntry, reversalEntry } from './ledger-entry';
import { RecordLedgerEntriesCommand, RecordLedgerEntriesHandler } from './record-ledger-entries.handler';

/** payment.recorded / payment.reversed from the tax feed, a batch at a time, into the ledger. */
@Controller()
export class PaymentEventsController {
  constructor(private readonly recordLedgerEntries: RecordLedgerEntriesHandler) {}

  @EventPattern(Topics.PaymentRecorded)
  onRecorded(@Payload() events: ConsumedEvent<PaymentRecordedV1>[], @Ctx() ctx: BatchContext): Promise<void> {
    const payers = events.map((e) => e.envelope.payload);
    return this.recordLedgerEntries.execute(
      RecordLedgerEntriesCommand.of('payment.recorded', events.map(paymentEntry), payers, ctx.manager),
    );
  }

  @EventPattern(Topics.PaymentReversed)
  onReversed(@Payload() events: ConsumedEvent<PaymentReversedV1>[], @Ctx() ctx: BatchContext): Promise<void> {
    return this.recordLedgerEntries.execute(
      RecordLedgerEntriesCommand.of('payment.reversed', events.map(reversalEntry), [], ctx.manager),
    );
  }
}
