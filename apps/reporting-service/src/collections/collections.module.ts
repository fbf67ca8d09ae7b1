import { Module } from '@nestjs/common';
import { CollectionsController } from './collections.controller';
import { CollectionsRepository } from './collections.repository';
import { GetDailyCollectionsHandler } from './get-daily-collections.handler';
import { GetSubsidyTotalsHandler } from './get-subsidy-totals.handler';

@Module({
  controllers: [CollectionsController],
  providers: [CollectionsRepository, GetDailyCollectionsHandler, GetSubsidyTotalsHandler],
})
export class CollectionsModule {}
