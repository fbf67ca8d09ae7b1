import { Module } from '@nestjs/common';
import { RankingsModule } from '../rankings/rankings.module';
import { AlertCheckScheduler } from './alert-check.scheduler';
import { AlertsController } from './alerts.controller';
import { ListAlertsHandler } from './list-alerts.handler';
import { RaiseAlertsHandler } from './raise-alerts.handler';

@Module({
  imports: [RankingsModule],
  controllers: [AlertsController],
  providers: [RaiseAlertsHandler, ListAlertsHandler, AlertCheckScheduler],
})
export class AlertsModule {}
