import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { ReviewBody, ReviewRefundCommand } from './review-refund.command';
import { ReviewRefundHandler } from './review-refund.handler';
import { WithdrawBody, WithdrawRefundCommand } from './withdraw-refund.command';
import { WithdrawRefundHandler } from './withdraw-refund.handler';

@ApiTags('refunds')
@ApiBearerAuth()
@Controller('v1/refunds')
export class ReviewController {
  constructor(
    private readonly handler: ReviewRefundHandler,
    private readonly withdrawal: WithdrawRefundHandler,
  ) {}

  @Post(':id/review')
  @HttpCode(200)
  @Roles('mib')
  @ApiOperation({ summary: 'Approve or reject a refund application (医保审核)' })
  @ApiOkResponse({
    description: 'the refund, APPROVED or REJECTED; refund.approved / refund.rejected is published',
  })
  @ApiForbiddenResponse({
    description: '`REVIEWER_IS_ENTRANT`: whoever entered the application cannot review it',
  })
  @ApiNotFoundResponse({ description: 'no such refund' })
  @ApiConflictResponse({ description: '`ILLEGAL_TRANSITION`: the refund was reviewed already' })
  @ApiErrors({
    400: ['INVALID_COMMAND'],
    403: ['REVIEWER_IS_ENTRANT'],
    404: [],
    409: ['ILLEGAL_TRANSITION'],
    422: ['PAYMENT_NOT_RECORDED', 'PRECHECK_FAILED'],
  })
  @ApiUnprocessableEntityResponse({
    description:
      '`PRECHECK_FAILED`: approving a failed pre-check needs `override` (`details.info.precheck`); `PAYMENT_NOT_RECORDED`: the voucher is not among the recorded payments',
  })
  review(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ReviewBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.handler.execute(ReviewRefundCommand.of(id, body, by.holder));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('mib')
  @ApiOperation({
    summary: 'Withdraw an approval before money moved for it (approved and unplanned, or its payout failed)',
  })
  @ApiOkResponse({
    description: 'the refund, REJECTED; refund.rejected is published; the voucher is free again',
  })
  @ApiForbiddenResponse({ description: '`REVIEWER_IS_ENTRANT`' })
  @ApiNotFoundResponse({ description: 'no such refund' })
  @ApiConflictResponse({ description: '`ILLEGAL_TRANSITION`: the refund is not APPROVED or PAYOUT_FAILED' })
  @ApiErrors({ 400: ['INVALID_COMMAND'], 403: ['REVIEWER_IS_ENTRANT'], 404: [], 409: ['ILLEGAL_TRANSITION'] })
  withdraw(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: WithdrawBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.withdrawal.execute(WithdrawRefundCommand.of(id, body, by.holder));
  }
}
