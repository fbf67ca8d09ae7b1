import { Module } from '@nestjs/common';
import { AlertRepository } from '../alerts/alert.repository';
import { FactsModule } from '../facts/facts.module';
import { QuotasModule } from '../quotas/quotas.module';
import { ExportWeeklyBulletinHandler } from './export-weekly-bulletin.handler';
import { GetMilestonesHandler } from './get-milestones.handler';
import { GetWeeklyRankingHandler } from './get-weekly-ranking.handler';
import { RankingCalculator } from './ranking-calculator';
import { RankingsController } from './rankings.controller';

@Module({
  imports: [FactsModule, QuotasModule],
  controllers: [RankingsController],
  providers: [
    AlertRepository,
    RankingCalculator,
    GetWeeklyRankingHandler,
    ExportWeeklyBulletinHandler,
    GetMilestonesHandler,
  ],
  exports: [RankingCalculator, GetWeeklyRankingHandler, AlertRepository],
})
export class RankingsModule {}
