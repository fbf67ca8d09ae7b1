import { Module } from '@nestjs/common';
import { ReconcileFeedDateHandler } from './reconcile-feed-date.handler';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationRepository } from './reconciliation.repository';

@Module({
  controllers: [ReconciliationController],
  providers: [ReconciliationRepository, ReconcileFeedDateHandler],
})
export class ReconciliationModule {}
