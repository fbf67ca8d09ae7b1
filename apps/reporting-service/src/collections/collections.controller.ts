import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { DailyCollectionRow } from './collections.repository';
import { GetDailyCollectionsHandler, GetDailyCollectionsQuery } from './get-daily-collections.handler';
import { GetSubsidyTotalsHandler, GetSubsidyTotalsQuery, SubsidyTotals } from './get-subsidy-totals.handler';

type Q = Record<string, string>;

@ApiTags('collections')
@ApiBearerAuth()
@Controller('v1')
export class CollectionsController {
  constructor(
    private readonly daily: GetDailyCollectionsHandler,
    private readonly subsidies: GetSubsidyTotalsHandler,
  ) {}

  @Get('collections/daily')
  @Roles('mib', 'ops', 'tax', 'finance', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({ summary: 'Money collected per day (Asia/Shanghai) and channel, net of reversals' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '620725' })
  @ApiQuery({ name: 'from', required: false, example: '2023-10-01' })
  @ApiQuery({ name: 'to', required: false, example: '2023-10-31' })
  collections(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<DailyCollectionRow[]> {
    return this.daily.execute(createCommand(GetDailyCollectionsQuery, { ...q, principal: by }));
  }

  @Get('subsidies')
  @Roles('mib', 'ops', 'finance', 'civil-affairs', 'rural-revitalization')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({
    summary: 'Subsidies assessed by category, mode and route; transfers requested and settled',
  })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '411421' })
  subsidyTotals(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<SubsidyTotals> {
    return this.subsidies.execute(createCommand(GetSubsidyTotalsQuery, { ...q, principal: by }));
  }
}
