import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { UploadStore, XLSX_TYPE } from '@urrbmi/files';
import { CurrentPrincipal, Principal, receiveTabularUpload, Roles } from '@urrbmi/platform';
import { ROSTER_SOURCES } from '@urrbmi/policy';
import {
  checkRosterHeaders,
  DecideRosterCommand,
  RosterDecision,
  StageRosterCommand,
} from './roster.commands';
import {
  ApproveRosterHandler,
  GetRosterHandler,
  RejectRosterHandler,
  StageRosterHandler,
} from './roster.handlers';

const STORAGE_DIR = process.env.ROSTER_STORAGE_DIR ?? path.join(tmpdir(), 'urrbmi-rosters');
const MAX_BYTES = Number(process.env.ROSTER_MAX_BYTES ?? 512 * 1024 * 1024);
@ApiTags('rosters')
@ApiBearerAuth()
@Controller('v1/rosters')
export class RostersController {
  private readonly store = new UploadStore(STORAGE_DIR);

  constructor(
    private readonly stage: StageRosterHandler,
    private readonly approveRoster: ApproveRosterHandler,
    private readonly rejectRoster: RejectRosterHandler,
    private readonly read: GetRosterHandler,
  ) {}

  @Post()
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({
    summary:
      "A department's roster (花名册): a full snapshot of that source as of a date, staged until a second person of the same department approves it",
    description:
      'CSV (UTF-8 or charset=gbk) or XLSX with columns id_number,name,category,certified_region_code,valid_from,valid_to. Category: a code of libs/policy or its Chinese name. ' +
      'A snapshot is of one source in the region named by X-Region-Code (rows certified elsewhere are rejected as OTHER_REGION), or, without it, in the regions its rows name: people of that source certified in another region are never touched. ' +
      "A snapshot older than the newest approved one of the same source and region is refused (409 OLDER_SNAPSHOT); warnings list categories the region's policy does not subsidise.",
  })
  @ApiConsumes('text/csv', XLSX_TYPE)
  @ApiHeader({ name: 'X-Roster-Source', required: true, enum: Object.keys(ROSTER_SOURCES) })
  @ApiHeader({ name: 'X-As-Of', required: true, example: '2023-11-01' })
  @ApiHeader({
    name: 'X-Region-Code',
    required: false,
    example: '411421',
    description: 'the region this snapshot is of; needed for an empty snapshot',
  })
  async upload(
    @Req() req: Readable,
    @Res({ passthrough: true }) res: { status(n: number): void },
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-roster-source') source = '',
    @Headers('x-as-of') asOf = '',
    @Headers('x-region-code') regionCode?: string,
  ) {
    checkRosterHeaders({ source, asOf, regionCode }, by);
    const stored = await receiveTabularUpload(this.store, req, contentType, MAX_BYTES, true, 'roster');
    const r = await this.stage.execute(
      StageRosterCommand.of({ source, asOf, regionCode }, stored, contentType, by),
    );
    res.status(r.replayed ? 200 : 201);
    return r.view;
  }

  @Get(':id')
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({ summary: 'A roster upload: status, counts, and what approving it changes' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.read.execute(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({
    summary:
      'Maker-checker: a second person of the same department approves; identities change and people are re-assessed',
  })
  approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() decision: RosterDecision,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.approveRoster.execute(DecideRosterCommand.of(id, decision, by));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({ summary: 'The checker refuses the upload; nothing changes' })
  reject(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() decision: RosterDecision,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.rejectRoster.execute(DecideRosterCommand.of(id, decision, by));
  }
}
