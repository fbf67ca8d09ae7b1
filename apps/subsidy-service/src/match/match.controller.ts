import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { LIST_FORMATS, ListFormat, sendTableFile } from '../shared/table-file';
import { ListTransfersHandler, ListTransfersQuery } from './list-transfers.handler';
import { MatchRunBody, RunMonthlyMatchCommand, RunMonthlyMatchHandler } from './run-monthly-match.handler';

@ApiTags('monthly match')
@ApiBearerAuth()
@Controller('v1')
export class MatchController {
  constructor(
    private readonly runMatch: RunMonthlyMatchHandler,
    private readonly listTransfers: ListTransfersHandler,
  ) {}

  @Post('match-runs')
  @HttpCode(200)
  @Roles('mib')
  @ApiErrors({ 422: ['MONTH_NOT_ENDED'] })
  @ApiOperation({
    summary:
      'Run the monthly match for month M now (the scheduler runs it on the 1st): transfer instructions for M+1',
  })
  run(@Body() body: MatchRunBody, @CurrentPrincipal() by: Principal) {
    return this.runMatch.execute(RunMonthlyMatchCommand.create({ ...body, trigger: `api:${by.holder}` }));
  }

  @Get('transfers')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @Roles('mib', 'finance', 'civil-affairs')
  @ApiOperation({
    summary:
      'Transfer instructions of a month per payout route, with totals (JSON, or an instruction file per route with format=csv)',
  })
  @ApiQuery({ name: 'month', example: '2023-12', description: 'the transfer month' })
  @ApiQuery({ name: 'route', required: false, example: 'ONE_CARD' })
  @ApiQuery({ name: 'format', required: false, enum: LIST_FORMATS })
  async transfers(
    @Query('month') month: string,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
    @Query('route') route?: string,
    @Query('format') format: ListFormat = 'json',
  ) {
    const list = await this.listTransfers.execute(ListTransfersQuery.create({ month, route, format }));
    return format === 'json' ? list.view : sendTableFile(res, format, list.file());
  }
}
