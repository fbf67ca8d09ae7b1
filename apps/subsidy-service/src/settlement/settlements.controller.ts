import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import {
  DecideSettlementCommand,
  EnterSettlementCommand,
  SettlementBatchBody,
  SettlementDecisionBody,
} from './settlement.commands';
import {
  EnterSettlementHandler,
  GetSettlementHandler,
  RejectSettlementHandler,
  SettleTransfersHandler,
} from './settlement.handlers';

const decision = (settlementId: string, body: SettlementDecisionBody, by: Principal) =>
  DecideSettlementCommand.create({ ...body, settlementId, checker: by.holder, checkerRole: by.role });

/** The bank's settlement results, maker-checker: entered by one key holder, confirmed by another. */
@ApiTags('monthly match')
@ApiBearerAuth()
@Controller('v1/transfers/settlements')
export class SettlementsController {
  constructor(
    private readonly enter: EnterSettlementHandler,
    private readonly settle: SettleTransfersHandler,
    private readonly reject: RejectSettlementHandler,
    private readonly read: GetSettlementHandler,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('mib', 'finance')
  @ApiOperation({
    summary:
      "Enter the bank's results per instruction (PAID, or FAILED with the reason): PENDING until another holder of the same role confirms; nothing applied yet",
  })
  create(@Body() body: SettlementBatchBody, @CurrentPrincipal() by: Principal) {
    return this.enter.execute(
      EnterSettlementCommand.create({ ...body, enteredBy: by.holder, enteredRole: by.role }),
    );
  }

  @Get()
  @Roles('mib', 'finance')
  @ApiOperation({ summary: 'Settlement batches waiting for a checker' })
  pending() {
    return this.read.pending();
  }

  @Get(':id')
  @ApiErrors({ 404: [] })
  @Roles('mib', 'finance')
  @ApiOperation({ summary: 'A settlement batch: PENDING, CONFIRMED (with what it did) or REJECTED' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.read.execute(id);
  }

  @Post(':id/confirm')
  @ApiErrors({ 403: ['SAME_HOLDER', 'OTHER_ROLE'], 404: [], 409: ['ALREADY_DECIDED'] })
  @HttpCode(200)
  @Roles('mib', 'finance')
  @ApiOperation({
    summary:
      'Checker confirms: the results are applied (a failed transfer is made again by the next run, a paid one never); 403 SAME_HOLDER for the maker, 409 ALREADY_DECIDED',
  })
  confirm(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SettlementDecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.settle.execute(decision(id, body, by));
  }

  @Post(':id/reject')
  @ApiErrors({ 403: ['SAME_HOLDER', 'OTHER_ROLE'], 404: [], 409: ['ALREADY_DECIDED'] })
  @HttpCode(200)
  @Roles('mib', 'finance')
  @ApiOperation({ summary: 'Checker refuses the batch; nothing is applied' })
  refuse(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SettlementDecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.reject.execute(decision(id, body, by));
  }
}
