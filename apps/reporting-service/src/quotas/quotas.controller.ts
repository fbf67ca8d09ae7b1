import { Controller, Get, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { privateUploadStore, UploadStore } from '@urrbmi/files';
import {
  ApiErrors,
  ApiUpload,
  CurrentPrincipal,
  Principal,
  receiveTabularUpload,
  Roles,
} from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { ReportingSettings } from '../shared/reporting-settings';
import { ImportQuotasCommand } from './import-quotas.command';
import { ImportQuotasHandler, QuotaImportResult } from './import-quotas.handler';
import { ListQuotasHandler, ListQuotasQuery, QuotaTableView } from './list-quotas.handler';
import { QuotaErrors } from './quota.errors';

@ApiTags('quotas')
@ApiBearerAuth()
@Controller('v1/quotas')
export class QuotasController {
  private readonly store: UploadStore;

  constructor(
    private readonly importQuotas: ImportQuotasHandler,
    private readonly listQuotas: ListQuotasHandler,
    settings: ReportingSettings,
  ) {
    this.store = privateUploadStore(settings.QUOTA_STORAGE_DIR);
  }

  @Post()
  @HttpCode(201)
  @Roles('mib')
  @ApiErrors({ 400: ['INVALID_COMMAND', 'BAD_HEADER'], 422: ['INVALID_QUOTA_TABLE', 'TOO_MANY_ROWS'] })
  @ApiOperation({
    summary:
      'Import a task-breakdown table (任务分解表) for one county and season; replaces the previous one',
    description:
      'CSV (UTF-8 or charset=gbk) or XLSX, columns season,unit_code,unit_name,parent_code,quota,population. ' +
      'A row with rows below it (a county or township) is a declared total for them; X-Declared-Total is the ' +
      "notice's 合计. Totals that disagree with the rows are reported in `mismatches`, not corrected.",
  })
  @ApiUpload({ kinds: ['quotas'], maxBytes: '16 MiB', readOnReceipt: true })
  @ApiHeader({ name: 'X-Declared-Total', required: false, example: '41850' })
  @ApiResponse({ status: 201, description: 'stored; `mismatches` lists every total that disagrees' })
  @ApiResponse({ status: 422, description: 'a row is invalid (details.problems); nothing stored' })
  async upload(
    @Req() req: Readable,
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-declared-total') declared?: string,
  ): Promise<QuotaImportResult> {
    if (declared !== undefined && !/^\d{1,9}$/.test(declared))
      throw QuotaErrors.BAD_HEADER('X-Declared-Total must be a whole number of people');
    const file = await receiveTabularUpload(this.store, req, contentType, 16 * 1024 * 1024, true, 'quotas');
    return this.store.discardIfRefused(file, () =>
      this.importQuotas.execute(
        createCommand(ImportQuotasCommand, {
          file: file.path,
          contentType,
          declaredTotal: declared === undefined ? undefined : Number(declared),
          source: `upload sha256:${file.sha256}`,
          importedBy: by.holder,
        }),
      ),
    );
  }

  @Get()
  @Roles('mib', 'ops', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({ summary: "A county-season's quota units and its latest import (with any mismatch)" })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '341323' })
  @ApiOkResponse({ description: 'units and the latest import' })
  list(@Query() q: Record<string, string>, @CurrentPrincipal() by: Principal): Promise<QuotaTableView> {
    return this.listQuotas.execute(createCommand(ListQuotasQuery, { ...q, principal: by }));
  }
}
