import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { XLSX_TYPE } from '@urrbmi/files';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { PlanQueries, RefundPlanQuery } from './plan-queries';
import { RefundPlanBody, SubmitRefundPlanCommand } from './submit-refund-plan.command';
import { SubmitRefundPlanHandler } from './submit-refund-plan.handler';

@ApiTags('refund plans')
@ApiBearerAuth()
@Controller('v1/refund-plans')
export class PlansController {
  constructor(
    private readonly submit: SubmitRefundPlanHandler,
    private readonly queries: PlanQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('mib')
  @ApiOperation({ summary: 'Bundle approved refunds into a refund funding plan for finance (退费用款计划)' })
  @ApiCreatedResponse({
    description: 'the plan with totals by reason and township; refund.plan.submitted is published',
  })
  @ApiNotFoundResponse({
    description: '`REFUND_NOT_FOUND`: some refundIds do not exist (`details.info.missing`)',
  })
  @ApiConflictResponse({
    description: '`ILLEGAL_TRANSITION`: a refund is not approved, or is in another plan',
  })
  @ApiUnprocessableEntityResponse({ description: '`NOTHING_TO_PLAN`: no approved refund is waiting' })
  @ApiErrors({
    400: ['INVALID_COMMAND'],
    404: ['REFUND_NOT_FOUND'],
    409: ['ILLEGAL_TRANSITION', 'PAYMENT_REVERSED_SINCE_APPROVAL'],
    422: ['NOTHING_TO_PLAN'],
  })
  create(@Body() body: RefundPlanBody, @CurrentPrincipal() by: Principal) {
    return this.submit.execute(SubmitRefundPlanCommand.of(body, by.holder));
  }

  @Get(':id')
  @Roles('mib', 'finance')
  @ApiOperation({ summary: 'A plan, its totals, its funding and its refunds' })
  @ApiOkResponse({ description: 'the plan' })
  @ApiNotFoundResponse({ description: 'no such plan' })
  @ApiErrors({ 404: [] })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.queries.get(RefundPlanQuery.create({ planId: id }));
  }

  @Get(':id/export')
  @Roles('mib', 'finance')
  @Header('content-type', XLSX_TYPE)
  @Header('content-disposition', 'attachment; filename="refund-plan.xlsx"')
  @ApiProduces(XLSX_TYPE)
  @ApiOperation({
    summary: 'The plan as XLSX: totals by reason and township, and every refund (ID numbers masked)',
  })
  @ApiOkResponse({ description: 'the workbook' })
  @ApiNotFoundResponse({ description: 'no such plan' })
  @ApiErrors({ 404: [] })
  async export(@Param('id', ParseUUIDPipe) id: string) {
    return new StreamableFile(await this.queries.workbook(RefundPlanQuery.create({ planId: id })));
  }
}
