import { Module } from '@nestjs/common';
import { FactsModule } from '../facts/facts.module';
import { QuotasModule } from '../quotas/quotas.module';
import { GetProgressHandler } from './get-progress.handler';
import { ProgressController } from './progress.controller';

@Module({
  imports: [FactsModule, QuotasModule],
  controllers: [ProgressController],
  providers: [GetProgressHandler],
})
export class ProgressModule {}
