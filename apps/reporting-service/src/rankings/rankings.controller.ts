import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { sendFile } from '../shared/send-file';
import { ExportWeeklyBulletinHandler, ExportWeeklyBulletinQuery } from './export-weekly-bulletin.handler';
import { GetMilestonesHandler, GetMilestonesQuery, UnitMilestones } from './get-milestones.handler';
import { GetWeeklyRankingHandler, GetWeeklyRankingQuery, WeeklyRanking } from './get-weekly-ranking.handler';

type Q = Record<string, string>;

@ApiTags('rankings')
@ApiBearerAuth()
@Controller('v1/rankings')
export class RankingsController {
  constructor(
    private readonly weekly: GetWeeklyRankingHandler,
    private readonly bulletin: ExportWeeklyBulletinHandler,
    private readonly milestonesOf: GetMilestonesHandler,
  ) {}

  @Get('weekly')
  @Roles('mib', 'ops', 'township')
  @ApiErrors({
    400: ['INVALID_COMMAND', 'BAD_QUERY'],
    404: ['NO_POLICY', 'NO_QUOTA', 'NO_COMPLETED_WEEK', 'WEEK_NOT_RANKED'],
  })
  @ApiOperation({
    summary: '周排名: a completed week (Asia/Shanghai, Monday–Sunday) ranked by completion, with movement',
  })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '411421' })
  @ApiQuery({
    name: 'week',
    required: false,
    example: '2023-11-20',
    description: 'any date of the week; last completed by default',
  })
  @ApiOkResponse({ type: WeeklyRanking })
  @ApiResponse({ status: 404, description: 'no policy, no quotas, or the week is not a completed week' })
  ranking(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<WeeklyRanking> {
    return this.weekly.execute(createCommand(GetWeeklyRankingQuery, { ...q, principal: by }));
  }

  @Get('weekly/export')
  @Roles('mib', 'ops', 'township')
  @ApiErrors({
    400: ['INVALID_COMMAND', 'BAD_QUERY'],
    404: ['NO_POLICY', 'NO_QUOTA', 'NO_COMPLETED_WEEK', 'WEEK_NOT_RANKED'],
  })
  @ApiOperation({ summary: '周通报 as XLSX: the same rows as GET /v1/rankings/weekly' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<StreamableFile> {
    return sendFile(
      await this.bulletin.execute(createCommand(ExportWeeklyBulletinQuery, { ...q, principal: by })),
    );
  }

  @Get('milestones')
  @Roles('mib', 'ops', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'], 404: [] })
  @ApiOperation({ summary: 'Each unit against the policy milestones (Minquan: 80% by 30 November)' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '411421' })
  milestones(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<UnitMilestones[]> {
    return this.milestonesOf.execute(createCommand(GetMilestonesQuery, { ...q, principal: by }));
  }
}
