import { Module } from '@nestjs/common';
import { MatchModule } from '../match/match.module';
import {
  EnterSettlementHandler,
  GetSettlementHandler,
  RejectSettlementHandler,
  SettleTransfersHandler,
} from './settlement.handlers';
import { SettlementRepository } from './settlement.repository';
import { SettlementsController } from './settlements.controller';

/** The bank's results of transfers (银行回盘), entered by one holder and confirmed by another. */
@Module({
  imports: [MatchModule],
  controllers: [SettlementsController],
  providers: [
    SettlementRepository,
    EnterSettlementHandler,
    SettleTransfersHandler,
    RejectSettlementHandler,
    GetSettlementHandler,
  ],
})
export class SettlementModule {}
