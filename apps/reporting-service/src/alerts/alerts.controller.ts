import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { ListAlertsHandler, ListAlertsQuery } from './list-alerts.handler';
import { AlertRow } from './alert.repository';
import { RaiseAlertsCommand } from './raise-alerts.command';
import { RaiseAlertsHandler } from './raise-alerts.handler';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(
    private readonly listAlerts: ListAlertsHandler,
    private readonly raiseAlerts: RaiseAlertsHandler,
  ) {}

  @Get()
  @Roles('mib', 'ops', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({
    summary: 'Alerts raised (report.alert.raised): units behind N weeks running, missed milestones',
  })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', required: false, example: '411421' })
  list(@Query() q: Record<string, string>, @CurrentPrincipal() by: Principal): Promise<AlertRow[]> {
    return this.listAlerts.execute(createCommand(ListAlertsQuery, { ...q, principal: by }));
  }

  @Post('check')
  @HttpCode(200)
  @Roles('ops', 'mib')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({
    summary:
      'Run the alert check now (it also runs every REPORTING_ALERT_CHECK_INTERVAL_MS); raises only new alerts',
  })
  @ApiBody({ required: false, schema: { example: { season: 2023, regionCode: '411421' } } })
  @ApiOkResponse({ schema: { example: { raised: 1 } } })
  async check(@Body() body: object = {}): Promise<{ raised: number }> {
    return { raised: await this.raiseAlerts.execute(createCommand(RaiseAlertsCommand, body ?? {})) };
  }
}
