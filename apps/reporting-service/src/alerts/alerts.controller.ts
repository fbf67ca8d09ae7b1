import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { createCommand } from '../shared/command';
import { ListAlertsHandler, ListAlertsQuery } from './list-alerts.handler';
import { AlertRow } from './alert.repository';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly listAlerts: ListAlertsHandler) {}

  @Get()
  @Roles('mib', 'ops', 'township')
  @ApiOperation({ summary: 'Alerts raised (report.alert.raised): units behind N weeks running, missed milestones' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', required: false, example: '411421' })
  list(@Query() q: Record<string, string>, @CurrentPrincipal() by: Principal): Promise<AlertRow[]> {
    return this.listAlerts.execute(createCommand(ListAlertsQuery, { ...q, principal: by }));
  }
}
