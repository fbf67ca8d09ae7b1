import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { FundingBody, FundRefundPlanCommand } from './fund-refund-plan.command';
import { FundRefundPlanHandler } from './fund-refund-plan.handler';

@ApiTags('refund plans')
@ApiBearerAuth()
@Controller('v1/refund-plans')
export class FundingController {
  constructor(private readonly handler: FundRefundPlanHandler) {}

  @Post(':id/funding')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({ summary: "Finance confirms the plan's transfer (财政拨付到基金支出户)" })
  @ApiOkResponse({ description: 'the plan, FUNDED; its refunds are FUNDED; refund.plan.funded is published' })
  @ApiNotFoundResponse({ description: 'no such plan' })
  @ApiConflictResponse({ description: '`ILLEGAL_TRANSITION`: the plan was funded already' })
  @ApiErrors({ 400: ['INVALID_COMMAND'], 404: [], 409: ['ILLEGAL_TRANSITION'], 422: ['FUNDING_MISMATCH'] })
  @ApiUnprocessableEntityResponse({
    description: '`FUNDING_MISMATCH`: the amount differs from the plan total (`details.info.planTotalFen`)',
  })
  fund(@Param('id', ParseUUIDPipe) id: string, @Body() body: FundingBody, @CurrentPrincipal() by: Principal) {
    return this.handler.execute(FundRefundPlanCommand.of(id, body, by.holder));
  }
}
