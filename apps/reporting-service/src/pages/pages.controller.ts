import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import {
  RenderBulletinPageHandler,
  RenderBulletinPageQuery,
  RenderOpsPageHandler,
  RenderOpsPageQuery,
} from './render-pages.handlers';

@ApiTags('pages')
@ApiBearerAuth()
@Controller('v1/pages')
export class PagesController {
  constructor(
    private readonly bulletin: RenderBulletinPageHandler,
    private readonly ops: RenderOpsPageHandler,
  ) {}

  @Get('bulletin')
  @Roles('mib', 'ops', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'], 404: [] })
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: '周通报 page: the weekly ranking with completion, movement and alerts (township keys: own rows)',
  })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '411421' })
  @ApiQuery({ name: 'week', required: false })
  bulletinPage(@Query() q: Record<string, string>, @CurrentPrincipal() by: Principal): Promise<string> {
    return this.bulletin.execute(createCommand(RenderBulletinPageQuery, { ...q, principal: by }));
  }

  @Get('ops')
  @Roles('ops')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Ops page: lag per group, dead letters, outbox backlogs, last feed; reloads itself',
  })
  opsPage(): Promise<string> {
    return this.ops.execute(createCommand(RenderOpsPageQuery, {}));
  }
}
