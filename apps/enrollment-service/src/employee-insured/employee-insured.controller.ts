import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { DecideApprovalCommand, DecisionBody } from '../approvals/decide-approval.command';
import { EmployeeInsuredList, EnterEmployeeInsuredListCommand } from './employee-insured.commands';
import {
  ConfirmEmployeeInsuredListHandler,
  EmployeeInsuredQueries,
  EnterEmployeeInsuredListHandler,
  RejectEmployeeInsuredListHandler,
} from './employee-insured.handlers';

/** The employee-insured list (职工医保), maker-checker: entered by one mib holder, confirmed by another. */
@ApiTags('employee-insured')
@ApiBearerAuth()
@Controller('v1/employee-insured')
export class EmployeeInsuredController {
  constructor(
    private readonly enter: EnterEmployeeInsuredListHandler,
    private readonly confirmList: ConfirmEmployeeInsuredListHandler,
    private readonly rejectList: RejectEmployeeInsuredListHandler,
    private readonly queries: EmployeeInsuredQueries,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('mib')
  @ApiOperation({
    summary:
      'Enter people insured as employees (职工医保): PENDING until another mib holder confirms; then refused at registration and live enrolments flagged as double cover',
  })
  add(@Body() list: EmployeeInsuredList, @CurrentPrincipal() by: Principal) {
    return this.enter.execute(EnterEmployeeInsuredListCommand.of(list, by));
  }

  @Get()
  @Roles('mib')
  @ApiOperation({ summary: 'Employee-insured lists waiting for a checker' })
  pending() {
    return this.queries.pending();
  }

  @Get(':id')
  @ApiErrors({ 404: [] })
  @Roles('mib')
  @ApiOperation({ summary: 'An employee-insured list: PENDING, CONFIRMED (with what it did) or REJECTED' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.queries.get(id);
  }

  @Post(':id/confirm')
  @ApiErrors({ 403: ['SAME_HOLDER', 'OTHER_ROLE'], 404: [], 409: ['ALREADY_DECIDED'] })
  @HttpCode(200)
  @Roles('mib')
  @ApiOkResponse({ description: 'the list is stored; live enrolments of these people are flagged' })
  @ApiOperation({
    summary:
      'Checker confirms: { listed, enrolmentsFlaggedDoubleCover } (403 SAME_HOLDER for the maker, 409 ALREADY_DECIDED)',
  })
  confirm(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.confirmList.execute(DecideApprovalCommand.of(id, body, by));
  }

  @Post(':id/reject')
  @ApiErrors({ 403: ['SAME_HOLDER', 'OTHER_ROLE'], 404: [], 409: ['ALREADY_DECIDED'] })
  @HttpCode(200)
  @Roles('mib')
  @ApiOperation({ summary: 'Checker refuses the list; nothing is recorded' })
  reject(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.rejectList.execute(DecideApprovalCommand.of(id, body, by));
  }
}
