import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { privateUploadStore, UploadStore } from '@urrbmi/files';
import {
  ApiErrors,
  ApiIdempotencyHeader,
  ApiUpload,
  AuditPersonReads,
  CurrentPrincipal,
  Principal,
  receiveTabularUpload,
  Roles,
} from '@urrbmi/platform';
import { refundView } from '../refunds/refund-view';
import {
  candidatesQuery,
  listQuery,
  RefundCandidateFilter,
  RefundListFilter,
  RefundQueries,
} from './refund-queries';
import { RefundApplicationBody, SubmitRefundApplicationCommand } from './submit-refund-application.command';
import { SubmitRefundApplicationHandler } from './submit-refund-application.handler';
import {
  REFUND_BATCH_COLUMNS,
  SubmitRefundBatchCommand,
  SubmitRefundBatchHandler,
} from './submit-refund-batch';
import { RefundUploadSettings } from './refund-upload-settings';

@ApiTags('refunds')
@ApiBearerAuth()
@Controller('v1')
export class ApplicationsController {
  private readonly store: UploadStore;

  constructor(
    private readonly settings: RefundUploadSettings,
    private readonly submit: SubmitRefundApplicationHandler,
    private readonly batch: SubmitRefundBatchHandler,
    private readonly queries: RefundQueries,
  ) {
    this.store = privateUploadStore(settings.REFUND_BATCH_STORAGE_DIR);
  }

  @Post('refunds')
  @HttpCode(201)
  @Roles('tax')
  @ApiOperation({
    summary: 'Enter a refund application the tax bureau accepted (受理退费申请)',
    description:
      'Stored with its automatic pre-checks (payment recorded, same payer, not reversed, not refunded, amount within what was paid, the policy admits the reason on the day) and published as refund.requested. A failed pre-check does not refuse the application: the medical insurance bureau sees it and needs an override reason to approve. The same Idempotency-Key with the same body returns the first refund (header Idempotent-Replayed: true).',
  })
  @ApiIdempotencyHeader(false, 'SD-refund-2023-0001')
  @ApiCreatedResponse({
    description: 'the refund, state REQUESTED, with `precheck`',
    headers: {
      'Idempotent-Replayed': {
        description: 'true when the Idempotency-Key was seen before and this is the first refund again',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'invalid body: every problem in `details`' })
  @ApiConflictResponse({
    description: '`OPEN_REFUND_EXISTS`: the voucher has an open refund (`details.info.refundId`)',
  })
  @ApiUnprocessableEntityResponse({
    description: '`IDEMPOTENCY_KEY_REUSED`: the key was used for another application',
  })
  @ApiErrors({ 400: ['INVALID_COMMAND'], 409: ['OPEN_REFUND_EXISTS'], 422: ['IDEMPOTENCY_KEY_REUSED'] })
  async create(
    @Body() body: RefundApplicationBody,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown },
    @Headers('idempotency-key') key?: string,
  ) {
    const done = await this.submit.execute(SubmitRefundApplicationCommand.of(body, by.holder, key));
    res.setHeader('Idempotent-Replayed', String(done.replayed));
    return refundView(done.refund);
  }

  @Post('refunds/batch')
  @HttpCode(200)
  @Roles('tax')
  @ApiOperation({
    summary: "A day's refund applications as one CSV file (UTF-8, or charset=gbk)",
    description: `Columns ${REFUND_BATCH_COLUMNS.join(',')}. Each row is entered exactly like POST /v1/refunds (same checks and pre-checks); rows that cannot be entered are listed in \`rejected\` with line, code and message. Rows are idempotent by Idempotency-Key (or the file's SHA-256) and line: the same file again enters nothing twice.`,
  })
  @ApiUpload({
    kinds: ['refund-batch'],
    maxBytes: '64 MiB',
    maxBytesSetting: 'REFUND_BATCH_MAX_BYTES',
    readOnReceipt: true,
  })
  @ApiIdempotencyHeader(false, 'refunds-2023-10-16')
  @ApiErrors({ 400: ['EMPTY_FILE', 'MISSING_COLUMNS'], 413: ['TOO_MANY_ROWS'] })
  @ApiOkResponse({ description: '`{ rows, entered, replayed, rejectedCount, refunds, rejected }`' })
  @ApiBadRequestResponse({
    description: '`EMPTY_FILE`; a file that cannot be read or whose header does not match is 422',
  })
  async createBatch(
    @Req() req: Readable,
    @CurrentPrincipal() by: Principal,
    @Headers('content-type') contentType = '',
    @Headers('idempotency-key') key?: string,
  ) {
    const stored = await receiveTabularUpload(
      this.store,
      req,
      contentType,
      this.settings.REFUND_BATCH_MAX_BYTES,
      false,
      'refund-batch',
    );
    return this.batch.execute(
      SubmitRefundBatchCommand.create({
        path: stored.path,
        sha256: stored.sha256,
        contentType,
        enteredBy: by.holder,
        idempotencyKey: key,
      }),
    );
  }

  @Get('refunds')
  @Roles('mib', 'tax', 'finance', 'township')
  @AuditPersonReads()
  @ApiOperation({
    summary: 'Refunds by state, reason, region, township, date entered, voucher, person or plan',
  })
  @ApiOkResponse({
    description: '`{ total, limit, offset, items }`, newest first; township keys see their own township',
  })
  list(@Query() filter: RefundListFilter, @CurrentPrincipal() by: Principal) {
    return this.queries.list(listQuery(filter, by));
  }

  @Get('refunds/:id')
  @Roles('mib', 'tax', 'finance', 'township')
  @AuditPersonReads()
  @ApiOperation({ summary: 'One refund with every transition: who, when, why' })
  @ApiOkResponse({
    description: 'the refund, its pre-checks, the commands it can take next, and its transitions',
  })
  @ApiNotFoundResponse({ description: 'no such refund' })
  @ApiErrors({ 404: [] })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() by: Principal) {
    return this.queries.get(id, by);
  }

  @Get('refund-candidates')
  @Roles('tax', 'mib')
  @AuditPersonReads()
  @ApiOperation({
    summary:
      'Refund candidates for the tax intake: OVERPAID enrolments and paid-then-cancelled ones (多缴、注销)',
  })
  @ApiOkResponse({
    description: 'each with what was paid, what is refundable, a suggested reason and voucher',
  })
  candidates(@Query() filter: RefundCandidateFilter) {
    return this.queries.candidates(candidatesQuery(filter));
  }
}
