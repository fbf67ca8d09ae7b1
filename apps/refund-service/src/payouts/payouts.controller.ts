import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { ConfirmPayoutCommand, PayoutBody } from './confirm-payout.command';
import { ConfirmPayoutHandler } from './confirm-payout.handler';

@ApiTags('refunds')
@ApiBearerAuth()
@Controller('v1/refunds')
export class PayoutsController {
  constructor(private readonly handler: ConfirmPayoutHandler) {}

  @Post(':id/payout')
  @HttpCode(200)
  @Roles('mib')
  @ApiOperation({ summary: 'Confirm the payout of a funded refund: paid, or failed with the bank’s reason' })
  @ApiOkResponse({
    description:
      'PAID (refund.paid is published: the enrolment is updated) or PAYOUT_FAILED (can be planned again)',
  })
  @ApiBadRequestResponse({ description: 'failureReason missing for FAILED' })
  @ApiErrors({ 400: ['INVALID_COMMAND'], 404: [], 409: ['ILLEGAL_TRANSITION'] })
  @ApiNotFoundResponse({ description: 'no such refund' })
  @ApiConflictResponse({
    description: '`ILLEGAL_TRANSITION`: the refund is not FUNDED (e.g. paying an unfunded refund)',
  })
  confirm(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PayoutBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.handler.execute(ConfirmPayoutCommand.of(id, body, by.holder));
  }
}
