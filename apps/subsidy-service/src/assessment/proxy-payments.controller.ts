import { Controller, Get, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@urrbmi/platform';
import { LIST_FORMATS, ListFormat, sendTableFile } from '../shared/table-file';
import { ListProxyPaymentsHandler, ListProxyPaymentsQuery } from './list-proxy-payments.handler';

/** 代缴名单: see `ListProxyPaymentsHandler`. */
@ApiTags('assessments')
@ApiBearerAuth()
@Controller('v1/proxy-payments')
export class ProxyPaymentsController {
  constructor(private readonly handler: ListProxyPaymentsHandler) {}

  @Get()
  @ApiErrors({ 400: ['INVALID_COMMAND'], 422: ['NO_POLICY'] })
  @Roles('mib', 'civil-affairs', 'finance')
  @ApiOperation({ summary: 'Fully subsidised people still to be paid for, per funding source, with totals' })
  @ApiQuery({ name: 'region', example: '620725' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'format', required: false, enum: LIST_FORMATS })
  async list(
    @Query('region') region: string,
    @Query('season', ParseIntPipe) season: number,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
    @Query('format') format: ListFormat = 'json',
  ) {
    const list = await this.handler.execute(ListProxyPaymentsQuery.create({ region, season, format }));
    return format === 'json' ? list.view : sendTableFile(res, format, list.file());
  }
}
