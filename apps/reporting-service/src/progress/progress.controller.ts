import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { GetProgressHandler, GetProgressQuery, ProgressRow } from './get-progress.handler';

@ApiTags('progress')
@ApiBearerAuth()
@Controller('v1/progress')
export class ProgressController {
  constructor(private readonly getProgress: GetProgressHandler) {}

  @Get()
  @Roles('mib', 'ops', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({
    summary: 'Progress by county, township and village against the quota (townships see their own area only)',
  })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', required: false, example: '341323' })
  @ApiQuery({ name: 'level', required: false, enum: ['COUNTY', 'TOWNSHIP', 'VILLAGE'] })
  @ApiOkResponse({ type: ProgressRow, isArray: true })
  progress(@Query() q: Record<string, string>, @CurrentPrincipal() by: Principal): Promise<ProgressRow[]> {
    return this.getProgress.execute(createCommand(GetProgressQuery, { ...q, principal: by }));
  }
}
