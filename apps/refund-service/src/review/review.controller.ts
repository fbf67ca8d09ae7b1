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
import { CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { ReviewBody, ReviewRefundCommand } from './review-refund.command';
import { ReviewRefundHandler } from './review-refund.handler';

@ApiTags('refunds')
@ApiBearerAuth()
@Controller('v1/refunds')
export class ReviewController {
  constructor(private readonly handler: ReviewRefundHandler) {}

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
}
