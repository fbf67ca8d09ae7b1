import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { isBusinessDate, maskResidentId } from '@urrbmi/domain';
import { readTabularRows, TabularRow, UploadStore } from '@urrbmi/files';
import {
  ApiErrors,
  ApiRegionHeader,
  ApiUpload,
  CurrentPrincipal,
  DomainError,
  Principal,
  receiveTabularUpload,
  Roles,
} from '@urrbmi/platform';
import { PolicyRegistry, ROSTER_SOURCES, RosterSource } from '@urrbmi/policy';
import { AssessmentService } from '../assessment/assessment.service';
import { isRosterReject, parseRosterRow, RosterReject, RosterRow } from './roster-row';
import { RosterRepository, RosterUpload } from './roster.repository';
import { rosterWarnings } from './roster-warnings';
import { RosterApprovalView, RosterUploadView } from './roster-views';

const STORAGE_DIR = process.env.ROSTER_STORAGE_DIR ?? path.join(tmpdir(), 'urrbmi-rosters');
const MAX_BYTES = Number(process.env.ROSTER_MAX_BYTES ?? 512 * 1024 * 1024);
const CHUNK = 5000;
/** Maker-checker: who may not decide on an upload. */
const DECIDER_REFUSALS = ['SAME_PERSON', 'OTHER_DEPARTMENT'];

/** Which role may upload (and approve) which source's roster. */
const SOURCES_OF_ROLE: Record<string, RosterSource[]> = {
  'civil-affairs': ['CIVIL_AFFAIRS'],
  'rural-revitalization': ['RURAL_REVITALIZATION'],
  mib: ['VETERANS', 'HEALTH', 'DISABLED_FEDERATION', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
};

export class RosterDecision {
  @ApiPropertyOptional({ example: '核对无误' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

class RosterView {
  @ApiProperty() uploadId!: string;
}

@ApiTags('rosters')
@ApiBearerAuth()
@Controller('v1/rosters')
export class RostersController {
  private readonly store = new UploadStore(STORAGE_DIR);

  constructor(
    private readonly dataSource: DataSource,
    private readonly rosters: RosterRepository,
    private readonly assessment: AssessmentService,
    private readonly policies: PolicyRegistry,
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
  @ApiErrors({
    400: ['BAD_HEADER'],
    403: ['NOT_YOUR_SOURCE'],
    409: ['CONCURRENT_UPLOAD', 'OLDER_SNAPSHOT'],
    422: ['USE_EMPLOYEE_INSURED_LIST', 'REGION_REQUIRED'],
  })
  async upload(
    @Req() req: Readable,
    @Res({ passthrough: true }) res: { status(n: number): void },
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-roster-source') source = '',
    @Headers('x-as-of') asOf = '',
    @Headers('x-region-code') regionHeader?: string,
  ) {
    if (!(source in ROSTER_SOURCES))
      throw new DomainError(
        'BAD_HEADER',
        `X-Roster-Source must be one of ${Object.keys(ROSTER_SOURCES).join(', ')}`,
        400,
      );
    if (source === 'EMPLOYEE_INSURANCE')
      throw new DomainError(
        'USE_EMPLOYEE_INSURED_LIST',
        'the employee-insured list goes to POST /v1/employee-insured on enrollment-service',
        422,
      );
    if (!isBusinessDate(asOf)) throw new DomainError('BAD_HEADER', 'X-As-Of must be a date YYYY-MM-DD', 400);
    if (regionHeader !== undefined && !/^\d{6}$/.test(regionHeader))
      throw new DomainError('BAD_HEADER', 'X-Region-Code must be a 6-digit division code', 400);
    if (!(SOURCES_OF_ROLE[by.baseRole] ?? []).includes(source as RosterSource)) {
      throw new DomainError('NOT_YOUR_SOURCE', `role ${by.role} may not send the ${source} roster`, 403);
    }
    const stored = await receiveTabularUpload(this.store, req, contentType, MAX_BYTES, true);
    const earlier = await this.rosters.findByContent(source, asOf, stored.sha256);
    if (earlier) {
      res.status(200);
      return this.view(earlier, true);
    }
    const id = randomUUID();
    // Staging is all or nothing: a failure part way leaves no upload behind.
    await this.dataSource.transaction(async (m) => {
      if (
        !(await this.rosters.create(m, {
          id,
          source,
          asOf,
          sha256: stored.sha256,
          uploadedBy: by.holder,
          uploadedRole: by.role,
        }))
      ) {
        throw new DomainError(
          'CONCURRENT_UPLOAD',
          'the same roster is being uploaded right now; try again',
          409,
        );
      }
      let read = 0;
      let staged = 0;
      let rejected = 0;
      let chunk: TabularRow[] = [];
      const flush = async () => {
        const ok: RosterRow[] = [];
        const bad: RosterReject[] = [];
        for (const row of chunk) {
          const r = parseRosterRow(row.line, row.values, source as RosterSource, asOf, regionHeader);
          if (isRosterReject(r)) bad.push(r);
          else ok.push(r);
        }
        const inserted = await this.rosters.stage(m, id, ok);
        for (const r of ok) {
          if (!inserted.has(r.line))
            bad.push({
              line: r.line,
              idNumber: maskResidentId(r.idNumber),
              code: 'DUPLICATE_IN_FILE',
              message: `the person appears earlier in this file with ${r.category}`,
            });
        }
        await this.rosters.addRejects(m, id, bad);
        read += chunk.length;
        staged += inserted.size;
        rejected += bad.length;
        chunk = [];
      };
      for await (const row of readTabularRows(stored.path, contentType)) {
        chunk.push(row);
        if (chunk.length >= CHUNK) await flush();
      }
      await flush();
      const stagedCategories = await this.rosters.stagedCategories(m, id);
      const regionCodes = regionHeader
        ? [regionHeader]
        : [...new Set(stagedCategories.map((c) => c.regionCode))];
      if (regionCodes.length === 0)
        throw new DomainError(
          'REGION_REQUIRED',
          'a snapshot with no valid row must name its region in X-Region-Code (it removes that region’s people of the source)',
          422,
        );
      await this.refuseOlderSnapshot(m, source, regionCodes, asOf);
      const summary = await this.rosters.summarise(m, id, source, regionCodes);
      await this.rosters.finishStaging(
        m,
        id,
        { read, staged, rejected },
        summary,
        regionCodes,
        rosterWarnings(this.policies, asOf, stagedCategories),
      );
    });
    res.status(201);
    return this.view((await this.rosters.find(id))!, false);
  }

  @Get(':id')
  @Roles('civil-affairs', 'rural-revitalization', 'mib', 'ops')
  @ApiOperation({ summary: 'A roster upload: status, counts, and what approving it changes' })
  @ApiOkResponse({ type: RosterUploadView })
  @ApiErrors({ 404: [] })
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const u = await this.rosters.find(id);
    if (!u) throw new NotFoundException(`no roster upload ${id}`);
    return this.view(u, false);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({
    summary:
      'Maker-checker: a second person of the same department approves; identities change and people are re-assessed',
  })
  @ApiOkResponse({ type: RosterApprovalView })
  @ApiErrors({ 403: DECIDER_REFUSALS, 404: [], 409: ['ALREADY_DECIDED', 'OLDER_SNAPSHOT'] })
  async approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() decision: RosterDecision,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.dataSource.transaction(async (m) => {
      const pending = await this.rosters.find(id, m);
      if (!pending) throw new NotFoundException(`no roster upload ${id}`);
      await this.rosters.lockSource(m, pending.source);
      const u = await this.checkDecider(m, id, by);
      await this.refuseOlderSnapshot(m, u.source, u.regionCodes, u.asOf);
      await this.rosters.decide(m, id, 'APPROVED', by.holder, decision.note ?? null);
      const touched = await this.rosters.apply(m, u);
      const reassessed = await this.assessment.reassess(m, touched);
      return {
        ...(await this.view((await this.rosters.find(id, m))!, false)),
        identitiesChangedFor: touched.length,
        reassessed,
      };
    });
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('civil-affairs', 'rural-revitalization', 'mib')
  @ApiOperation({ summary: 'The checker refuses the upload; nothing changes' })
  @ApiOkResponse({ type: RosterUploadView })
  @ApiErrors({ 403: DECIDER_REFUSALS, 404: [], 409: ['ALREADY_DECIDED'] })
  async reject(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() decision: RosterDecision,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.dataSource.transaction(async (m) => {
      await this.checkDecider(m, id, by);
      await this.rosters.decide(m, id, 'REJECTED', by.holder, decision.note ?? null);
      return this.view((await this.rosters.find(id, m))!, false);
    });
  }

  /** A snapshot never goes back in time: one older than the newest approved of its source and region is refused. */
  private async refuseOlderSnapshot(
    m: EntityManager,
    source: string,
    regionCodes: string[],
    asOf: string,
  ): Promise<void> {
    const newest = await this.rosters.newestApproved(m, source, regionCodes);
    if (newest && newest.asOf > asOf)
      throw new DomainError(
        'OLDER_SNAPSHOT',
        `a ${source} snapshot of region ${newest.regionCode} as of ${newest.asOf} is already approved; this one is as of ${asOf}`,
        409,
        { newestUploadId: newest.id, newestAsOf: newest.asOf, regionCode: newest.regionCode },
      );
  }

  private async checkDecider(
    m: Parameters<RosterRepository['find']>[1],
    id: string,
    by: Principal,
  ): Promise<RosterUpload> {
    const u = await this.rosters.find(id, m, true);
    if (!u) throw new NotFoundException(`no roster upload ${id}`);
    if (u.status !== 'STAGED')
      throw new DomainError('ALREADY_DECIDED', `roster upload ${id} is already ${u.status}`, 409);
    if (u.uploadedBy === by.holder)
      throw new DomainError('SAME_PERSON', 'the uploader cannot approve or reject their own upload', 403);
    if (u.uploadedRole !== by.role)
      throw new DomainError('OTHER_DEPARTMENT', `only ${u.uploadedRole} may decide on this upload`, 403);
    return u;
  }

  private async view(u: RosterUpload, sameContent: boolean): Promise<RosterView & Record<string, unknown>> {
    return {
      uploadId: u.id,
      source: u.source,
      asOf: u.asOf,
      status: u.status,
      uploadedBy: u.uploadedBy,
      decidedBy: u.decidedBy,
      rowsRead: u.rowsRead,
      rowsStaged: u.rowsStaged,
      rowsRejected: u.rowsRejected,
      regionCodes: u.regionCodes,
      summary: u.summary,
      warnings: u.warnings,
      sameContentAsEarlierUpload: sameContent,
      rejects: await this.rosters.rejects(u.id, 1000),
    };
  }
}
