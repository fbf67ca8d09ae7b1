import { Injectable } from '@nestjs/common';
import { OptionalRegionQuery, visibleTo } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { AlertRepository, AlertRow } from './alert.repository';

export class ListAlertsQuery extends OptionalRegionQuery {}

@Injectable()
export class ListAlertsHandler implements CommandHandler<ListAlertsQuery, AlertRow[]> {
  constructor(private readonly alerts: AlertRepository) {}

  async execute(q: ListAlertsQuery): Promise<AlertRow[]> {
    return (await this.alerts.list(q.season, q.region ?? null)).filter((a) =>
      visibleTo(q.principal, a.unitCode),
    );
  }
}
