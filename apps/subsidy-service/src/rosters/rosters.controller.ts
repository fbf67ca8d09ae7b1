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
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { privateUploadStore, UploadStore } from '@urrbmi/files';
import {
  ApiErrors,
  ApiRegionHeader,
  ApiUpload,
  CurrentPrincipal,
  Principal,
  receiveTabularUpload,
  Roles,
} from '@urrbmi/platform';
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
import { RosterApprovalView, RosterUploadView } from './roster-views';
import { RosterSettings } from './roster-settings';

const DECIDER_REFUSALS = ['SAME_PERSON', 'OTHER_DEPARTMENT'];

@ApiTags('rosters')
@ApiBearerAuth()
@Controller('v1/rosters')
export class RostersController {
  private readonly store: UploadStore;

  constructor(
    private readonly settings: RosterSettings,
    private readonly stage: StageRosterHandler,
    private readonly approveRoster: ApproveRosterHandler,
    private readonly rejectRoster: RejectRosterHandler,
    private readonly read: GetRosterHandler,
  ) {
    this.store = privateUploadStore(settings.ROSTER_STORAGE_DIR);
  }

  @Post()
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({
    summary:
      "A department's roster (花名册): a full snapshot of that source as of a date, staged until a second person of the same department approves it",
    description:
      'CSV (UTF-8 or charset=gbk) or XLSX with columns id_number,name,category,certified_region_code,valid_from,valid_to. Category: a code of libs/policy or its Chinese name. ' +
      'A snapshot is of one source in the region named by X-Region-Code (rows certified elsewhere are rejected as OTHER_REGION), or, without it, in the regions its rows name: people of that source certified in another region are never touched. ' +
      "A snapshot older than the newest approved one of the same source and region is refused (409 OLDER_SNAPSHOT); warnings list categories the region's policy does not subsidise. " +
      'Rows are staged by the resumable file job in chunks of 5,000 (a crash or restart resumes from the last committed chunk). A roster up to ROSTER_ASYNC_ABOVE_BYTES (16 MiB by default) is answered once staged (201); a larger one with 202 as soon as it is stored and read through once (encoding, records, header): the Location header and statusUrl name GET /v1/rosters/{id}, PROCESSING until STAGED or FAILED. ' +
      'The same file again returns the first upload (200, or 202 while it is staged); one that FAILED is resumed instead, unless it was set aside for crashing the service.',
  })
  @ApiUpload({
    kinds: ['roster'],
    maxBytes: '512 MiB',
    maxBytesSetting: 'ROSTER_MAX_BYTES',
    readOnReceipt: true,
  })
  @ApiHeader({
    name: 'X-Roster-Source',
    required: true,
    enum: Object.keys(ROSTER_SOURCES),
    example: 'CIVIL_AFFAIRS',
  })
  @ApiHeader({ name: 'X-As-Of', required: true, example: '2023-11-01' })
  @ApiRegionHeader(false, 'the region this snapshot is of; needed for an empty snapshot', '411421')
  @ApiCreatedResponse({
    description: 'staged; a second person of the department approves it',
    type: RosterUploadView,
  })
  @ApiOkResponse({
    description: 'the same roster was uploaded before: that upload (sameContentAsEarlierUpload)',
    type: RosterUploadView,
  })
  @ApiAcceptedResponse({
    description:
      'a roster above ROSTER_ASYNC_ABOVE_BYTES: stored, PROCESSING; follow Location (statusUrl) until STAGED or FAILED',
    type: RosterUploadView,
  })
  @ApiErrors({
    400: ['BAD_HEADER'],
    403: ['NOT_YOUR_SOURCE'],
    409: ['OLDER_SNAPSHOT'],
    422: ['USE_EMPLOYEE_INSURED_LIST', 'REGION_REQUIRED'],
  })
  async upload(
    @Req() req: Readable,
    @Res({ passthrough: true }) res: { status(n: number): void; setHeader(k: string, v: string): void },
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-roster-source') source = '',
    @Headers('x-as-of') asOf = '',
    @Headers('x-region-code') regionCode?: string,
  ) {
    checkRosterHeaders({ source, asOf, regionCode }, by);
    const stored = await receiveTabularUpload(
      this.store,
      req,
      contentType,
      this.settings.ROSTER_MAX_BYTES,
      true,
      'roster',
    );
    const r = await this.stage.execute(
      StageRosterCommand.of({ source, asOf, regionCode }, stored, contentType, by),
    );
    res.status(r.httpStatus);
    res.setHeader('Location', r.view.statusUrl);
    return r.view;
  }

  @Get(':id')
  @ApiOkResponse({ type: RosterUploadView })
  @ApiErrors({ 404: [] })
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({
    summary:
      'A roster upload: status (PROCESSING while its file job stages it), counts, and what approving it changes',
  })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.read.execute(id);
  }

  @Post(':id/approve')
  @ApiOkResponse({ type: RosterApprovalView })
  @ApiErrors({ 403: DECIDER_REFUSALS, 404: [], 409: ['ALREADY_DECIDED', 'NOT_STAGED', 'OLDER_SNAPSHOT'] })
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
  @ApiOkResponse({ type: RosterUploadView })
  @ApiErrors({ 403: DECIDER_REFUSALS, 404: [], 409: ['ALREADY_DECIDED', 'NOT_STAGED'] })
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
