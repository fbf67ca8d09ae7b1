import { Module } from '@nestjs/common';
import { OpsModule } from '../ops/ops.module';
import { RankingsModule } from '../rankings/rankings.module';
import { PagesController } from './pages.controller';
import { RenderBulletinPageHandler, RenderOpsPageHandler } from './render-pages.handlers';

@Module({
  imports: [RankingsModule, OpsModule],
  controllers: [PagesController],
  providers: [RenderBulletinPageHandler, RenderOpsPageHandler],
})
export class PagesModule {}
