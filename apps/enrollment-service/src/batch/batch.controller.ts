import {
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Readable, Writable } from 'node:stream';
import {
  ApiErrors,
  ApiUpload,
  AreaScope,
  CurrentPrincipal,
  CurrentScope,
  DomainError,
  Principal,
  Roles,
} from '@urrbmi/platform';
import { csvLine, written, XLSX_TYPE, XlsxListWriter } from '@urrbmi/files';
import { DeathListQueries } from '../death-list/death-list.handlers';
import { BatchRecord, BatchRepository } from './batch.repository';
import { ImportEnrollmentBatchCommand } from './import-enrollment-batch.command';
import { ImportEnrollmentBatchHandler } from './import-enrollment-batch.handler';

const BATCH_LOCATION = {
  Location: { description: 'the batch: /v1/enrollments/batch/{id}', schema: { type: 'string' } },
};

function view(b: BatchRecord) {
  return {
    batchId: b.id,
    type: b.batchType,
    status: b.status,
    fileName: b.fileName,
    sizeBytes: b.sizeBytes,
    sha256: b.sha256,
    submittedBy: b.submittedBy,
    submittedAt: b.submittedAt,
    processedLines: b.processedLines,
    accepted: b.accepted,
    rejected: b.rejected,
    error: b.error,
    finishedAt: b.finishedAt,
    rejectsUrl: `/v1/enrollments/batch/${b.id}/rejects`,
  };
}

@ApiTags('enrollment batches')
@ApiBearerAuth()
@Controller('v1/enrollments/batch')
export class BatchController {
  constructor(
    private readonly batches: BatchRepository,
    private readonly importBatch: ImportEnrollmentBatchHandler,
    private readonly deathLists: DeathListQueries,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('mib', 'township')
  @ApiOperation({
    summary:
      'Upload a CSV or XLSX of registrations (a school, a renewal run, newborns) or deaths; processed in the background',
    description:
      'Registrations: id_number,name,season,region_code,township_code,village_code,kind[,school,late_group,extended_group,residence_proof,not_insured_at_home,previous_region_code]. ' +
      'Deaths (X-Batch-Type: DEATHS): id_number,season,date_of_death; nothing is cancelled until another holder of the same role confirms the list at POST /v1/enrollments/batch/{id}/confirm (accepted = enrolments held for it). CSV in UTF-8 (BOM allowed) or `text/csv; charset=gbk`. ' +
      'The same file again returns the first batch (200) and enrols nobody twice; a batch that FAILED or stopped half-way resumes from its checkpoint (one set aside for crashing the service is not). ' +
      'Rows that would break the database or the event contract (an impossible date, a season outside 2000-2100, a name over 100 characters) are rejected with a reason; they never fail the batch.',
  })
  @ApiUpload({
    kinds: ['enrollment-registrations', 'enrollment-deaths'],
    maxBytes: '512 MiB',
    maxBytesSetting: 'BATCH_MAX_BYTES',
    readOnReceipt: false,
  })
  @ApiHeader({ name: 'X-Batch-Type', required: false, enum: ['REGISTRATIONS', 'DEATHS'] })
  @ApiHeader({ name: 'X-File-Name', required: false, example: 'zhuji-newborns.csv' })
  @ApiAcceptedResponse({
    description: 'accepted; poll GET /v1/enrollments/batch/{id} for progress',
    headers: BATCH_LOCATION,
  })
  @ApiOkResponse({ description: 'the same file was sent before: its batch', headers: BATCH_LOCATION })
  @ApiErrors({ 400: ['BAD_BATCH_TYPE'] })
  async upload(
    @Req() req: Readable & { headers: Record<string, string | undefined> },
    @Res({ passthrough: true }) res: { status(n: number): void; setHeader(k: string, v: string): void },
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('x-batch-type') typeHeader = 'REGISTRATIONS',
    @Headers('x-file-name') fileName?: string,
  ) {
    const cmd = { batchType: typeHeader, fileName, contentType, body: req, by };
    const { batch, sameContent } = await this.importBatch.execute(ImportEnrollmentBatchCommand.create(cmd));
    res.setHeader('Location', `/v1/enrollments/batch/${batch.id}`);
    if (sameContent) res.status(200);
    return { ...view(batch), sameContentAsEarlierBatch: sameContent };
  }

  @Get(':id')
  @ApiErrors({ 404: [] })
  @Roles('mib', 'township', 'ops')
  @ApiOperation({ summary: 'Progress and result of a batch (a township key: the batches it sent)' })
  @ApiOkResponse({
    description:
      'status RECEIVED, PROCESSING, DONE or FAILED; lines processed; accepted; rejected. A DEATHS batch also has deathList: null until DONE, then its confirmation (status PENDING_CONFIRMATION, CONFIRMED with cancelled and noLongerLive, or REJECTED; held)',
  })
  async progress(@Param('id', ParseUUIDPipe) id: string, @CurrentScope() scope: AreaScope) {
    const b = await this.batches.find(id, scope);
    if (!b) throw new NotFoundException(`no batch ${id}`);
    return { ...view(b), ...(await this.deathLists.ofBatch(b)) };
  }

  @Get(':id/rejects')
  @Roles('mib', 'township')
  @ApiProduces('text/csv', XLSX_TYPE)
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'] })
  @ApiErrors({ 400: ['BAD_QUERY'], 404: [] })
  @ApiOperation({
    summary: 'Reject report: line,id_number (masked),code,message, as CSV (RFC 4180) or XLSX (format=xlsx)',
  })
  async rejects(
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Writable & { setHeader(k: string, v: string): void },
    @CurrentScope() scope: AreaScope,
    @Query('format') format = 'csv',
  ) {
    if (!['csv', 'xlsx'].includes(format)) throw new DomainError('BAD_QUERY', 'format is csv or xlsx', 400);
    const b = await this.batches.find(id, scope);
    if (!b) throw new NotFoundException(`no batch ${id}`);
    const header = ['line', 'id_number', 'code', 'message'];
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="rejects-${id}.${format}"`);
    const xlsx = format === 'xlsx' ? new XlsxListWriter(res, 'rejects', header) : undefined;
    // The BOM lets Excel open the UTF-8 file with its Chinese messages intact.
    if (!xlsx) res.write('\uFEFF' + csvLine(header));
    for (let after = 0; ;) {
      const page = await this.batches.rejects(id, after, 5000);
      if (page.length === 0) break;
      const cells = page.map((r) => [r.line, r.idNumber, r.code, r.message]);
      if (xlsx) xlsx.add(cells);
      else await written(res, cells.map(csvLine).join(''));
      after = page[page.length - 1].line;
    }
    if (xlsx) await xlsx.finish();
    else res.end();
  }
}
