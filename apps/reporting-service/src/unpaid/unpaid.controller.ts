import { Body, Controller, Get, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { UnpaidPerson } from '../facts/person-state.repository';
import { createCommand } from '@urrbmi/platform';
import { sendFile } from '../shared/send-file';
import {
  ExportNotEnrolledHandler,
  ExportNotEnrolledQuery,
  ExportUnpaidHandler,
  ExportUnpaidQuery,
} from './export-lists.handler';
import {
  GetHardshipHandler,
  GetHardshipQuery,
  HardshipReport,
  RecordHardshipReasonCommand,
  RecordHardshipReasonHandler,
} from './hardship.handlers';
import { RecordedReason } from './hardship-ledger.repository';
import { ListUnpaidHandler, ListUnpaidQuery } from './list-unpaid.handler';

type Q = Record<string, string>;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('unpaid lists')
@ApiBearerAuth()
@Controller('v1')
export class UnpaidController {
  constructor(
    private readonly unpaid: ListUnpaidHandler,
    private readonly exportUnpaid: ExportUnpaidHandler,
    private readonly hardship: GetHardshipHandler,
    private readonly exportNotEnrolled: ExportNotEnrolledHandler,
    private readonly recordReason: RecordHardshipReasonHandler,
  ) {}

  @Get('unpaid')
  @Roles('mib', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({ summary: '精准催缴: registered people not (or no longer) paid, per township and village' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '341323' })
  @ApiQuery({ name: 'township', required: false })
  @ApiQuery({ name: 'village', required: false })
  list(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<UnpaidPerson[]> {
    return this.unpaid.execute(createCommand(ListUnpaidQuery, { ...q, principal: by }));
  }

  @Get('unpaid/export')
  @Roles('mib', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({ summary: 'The unpaid list as XLSX (ID numbers masked)' })
  @ApiProduces(XLSX)
  async listXlsx(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<StreamableFile> {
    return sendFile(
      await this.exportUnpaid.execute(createCommand(ExportUnpaidQuery, { ...q, principal: by })),
    );
  }

  @Get('hardship')
  @Roles('mib', 'township', 'civil-affairs', 'rural-revitalization')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({
    summary: "Hardship groups' enrolment rate (target 100%) and the not-enrolled ledger (台账)",
  })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'region', example: '620725' })
  hardshipReport(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<HardshipReport> {
    return this.hardship.execute(createCommand(GetHardshipQuery, { ...q, principal: by }));
  }

  @Get('hardship/export')
  @Roles('mib', 'township', 'civil-affairs', 'rural-revitalization')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({ summary: 'The not-enrolled ledger as XLSX (ID numbers masked)' })
  @ApiProduces(XLSX)
  async hardshipXlsx(@Query() q: Q, @CurrentPrincipal() by: Principal): Promise<StreamableFile> {
    return sendFile(
      await this.exportNotEnrolled.execute(createCommand(ExportNotEnrolledQuery, { ...q, principal: by })),
    );
  }

  @Post('hardship/reasons')
  @Roles('mib', 'township')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({ summary: 'Record why a hardship person is not enrolled (台账); the latest reason stands' })
  @ApiBody({ schema: { example: { idNumber: '620725199001010012', season: 2023, reason: '已在外地参保' } } })
  record(@Body() body: object, @CurrentPrincipal() by: Principal): Promise<RecordedReason> {
    return this.recordReason.execute(createCommand(RecordHardshipReasonCommand, { ...body, principal: by }));
  }
}
