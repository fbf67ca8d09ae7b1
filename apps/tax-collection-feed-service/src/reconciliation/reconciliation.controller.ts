import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@urrbmi/platform';
import { ReconcileFeedDateHandler, ReconcileFeedDateQuery } from './reconcile-feed-date.handler';

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconcileFeedDate: ReconcileFeedDateHandler) {}

  @Get()
  @Roles('tax', 'mib', 'finance', 'ops')
  @ApiOperation({
    summary:
      'Daily reconciliation for a feed date: declared control totals against what was applied, per channel; differences flagged',
  })
  @ApiQuery({ name: 'date', example: '2023-10-16' })
  @ApiQuery({ name: 'region', required: false, example: '620725' })
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  reconcile(@Query('date') date: string, @Query('region') region?: string) {
    return this.reconcileFeedDate.execute(ReconcileFeedDateQuery.create({ date, region }));
  }
}
