import { Module } from '@nestjs/common';
import { FactsModule } from '../facts/facts.module';
import { ExportNotEnrolledHandler, ExportUnpaidHandler } from './export-lists.handler';
import { GetHardshipHandler, RecordHardshipReasonHandler } from './hardship.handlers';
import { HardshipLedgerRepository } from './hardship-ledger.repository';
import { ListUnpaidHandler } from './list-unpaid.handler';
import { UnpaidController } from './unpaid.controller';

@Module({
  imports: [FactsModule],
  controllers: [UnpaidController],
  providers: [
    HardshipLedgerRepository,
    ListUnpaidHandler,
    ExportUnpaidHandler,
    GetHardshipHandler,
    RecordHardshipReasonHandler,
    ExportNotEnrolledHandler,
  ],
})
export class UnpaidModule {}
