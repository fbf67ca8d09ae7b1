import { Module } from '@nestjs/common';
import { ImportQuotasHandler } from './import-quotas.handler';
import { ListQuotasHandler } from './list-quotas.handler';
import { QuotaSeedLoader } from './quota-seed.loader';
import { QuotaRepository } from './quota.repository';
import { QuotasController } from './quotas.controller';

@Module({
  controllers: [QuotasController],
  providers: [QuotaRepository, ImportQuotasHandler, ListQuotasHandler, QuotaSeedLoader],
  exports: [QuotaRepository],
})
export class QuotasModule {}
