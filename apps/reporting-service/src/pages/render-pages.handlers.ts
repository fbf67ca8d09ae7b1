import { Injectable } from '@nestjs/common';
import { AlertRepository } from '../alerts/alert.repository';
import { GetQueueStatusHandler, GetQueueStatusQuery } from '../ops/get-queue-status.handler';
import { GetWeeklyRankingHandler, GetWeeklyRankingQuery } from '../rankings/get-weekly-ranking.handler';
import { visibleTo } from '../shared/area-query';
import { CommandHandler, createCommand } from '@urrbmi/platform';
import { ReportingSettings } from '../shared/reporting-settings';
import { renderBulletin } from './bulletin.page';
import { renderOpsView } from './ops.page';

export class RenderBulletinPageQuery extends GetWeeklyRankingQuery {}

@Injectable()
export class RenderBulletinPageHandler implements CommandHandler<RenderBulletinPageQuery, string> {
  constructor(
    private readonly ranking: GetWeeklyRankingHandler,
    private readonly alerts: AlertRepository,
  ) {}

  async execute(q: RenderBulletinPageQuery): Promise<string> {
    const r = await this.ranking.execute(q);
    const alerts = (await this.alerts.list(q.season, q.region)).filter(
      (a) => a.weekEnding <= r.week.to && visibleTo(q.principal, a.unitCode),
    );
    return renderBulletin(r, alerts);
  }
}

export class RenderOpsPageQuery {}

@Injectable()
export class RenderOpsPageHandler implements CommandHandler<RenderOpsPageQuery, string> {
  constructor(
    private readonly queueStatus: GetQueueStatusHandler,
    private readonly settings: ReportingSettings,
  ) {}

  async execute(_q: RenderOpsPageQuery): Promise<string> {
    const s = await this.queueStatus.execute(createCommand(GetQueueStatusQuery, {}));
    return renderOpsView(s, this.settings.REPORTING_OPS_REFRESH_SECONDS);
  }
}
