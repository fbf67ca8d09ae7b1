import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles';
import { createCommand } from '../use-case/command';
import { AuditPersonReads } from './person-reads.interceptor';
import { ListPersonReadsHandler, ListPersonReadsQuery } from './person-reads.use-cases';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/person-reads')
export class PersonReadsController {
  constructor(private readonly list: ListPersonReadsHandler) {}

  @Get()
  @Roles('mib')
  @AuditPersonReads()
  @ApiOperation({
    summary: "Who read this person's records in this service: key holder, role, route, when (newest first)",
    description:
      'For the auditor (mib). The answer names only the person asked about; the look-up is itself recorded.',
  })
  @ApiQuery({ name: 'idNumber', example: '11010519491231002X' })
  @ApiQuery({ name: 'from', required: false, description: 'date (Asia/Shanghai) or ISO-8601 instant' })
  @ApiQuery({ name: 'to', required: false, description: 'exclusive' })
  @ApiQuery({ name: 'limit', required: false, description: '1-10000, default 1000' })
  @ApiOkResponse({ description: '`{ idNumber, reads: [{ at, holder, role, route }] }`' })
  reads(@Query() query: Record<string, string>) {
    return this.list.execute(createCommand(ListPersonReadsQuery, query));
  }
}
