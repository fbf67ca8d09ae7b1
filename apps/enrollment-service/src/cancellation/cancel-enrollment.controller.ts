import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { DecideApprovalCommand, DecisionBody } from '../approvals/decide-approval.command';
import { CancelEnrollmentBody, CancelEnrollmentCommand } from './cancel-enrollment.command';
import {
  CancelEnrollmentHandler,
  CancellationQueries,
  ConfirmCancellationHandler,
  RejectCancellationHandler,
} from './cancel-enrollment.handler';

@ApiTags('enrollments')
@ApiBearerAuth()
@Controller('v1/enrollments')
export class CancelEnrollmentController {
  constructor(
    private readonly cancelEnrollment: CancelEnrollmentHandler,
    private readonly confirmCancellation: ConfirmCancellationHandler,
    private readonly rejectCancellation: RejectCancellationHandler,
    private readonly queries: CancellationQueries,
  ) {}

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('mib', 'township')
  @ApiErrors({ 404: [], 409: ['ALREADY_CANCELLED'] })
  @ApiOperation({
    summary: 'Cancel an enrolment (注销登记): transfer out, death, switch to employee insurance',
    description:
      'Nothing paid: cancelled at once (200). Paid: entered PENDING_CONFIRMATION (202) until another holder of the same role confirms it at /v1/enrollments/cancellations/{cancellationId}/confirm; nothing changes before.',
  })
  @ApiOkResponse({
    description: 'cancelled; enrollment.cancelled is published with what was paid, for the refund desk',
  })
  @ApiAcceptedResponse({ description: 'a paid enrolment: the cancellation waits for a checker' })
  async cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CancelEnrollmentBody,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: { status(n: number): void },
  ) {
    const r = await this.cancelEnrollment.execute(CancelEnrollmentCommand.of(id, body, by));
    if (r.pending) res.status(202);
    return r.view;
  }

  @Get('cancellations')
  @Roles('mib', 'township')
  @ApiOperation({
    summary: 'Cancellations of paid enrolments waiting for a checker (a township: its own area)',
  })
  pending(@CurrentPrincipal() by: Principal) {
    return this.queries.pending(by);
  }

  @Get('cancellations/:cancellationId')
  @ApiErrors({ 404: [] })
  @Roles('mib', 'township')
  @ApiOperation({
    summary: 'A cancellation of a paid enrolment: PENDING_CONFIRMATION, CONFIRMED or REJECTED',
  })
  get(@Param('cancellationId', ParseUUIDPipe) id: string, @CurrentPrincipal() by: Principal) {
    return this.queries.get(id, by);
  }

  @Post('cancellations/:cancellationId/confirm')
  @ApiErrors({ 403: ['SAME_HOLDER', 'OTHER_ROLE'], 404: [], 409: ['ALREADY_DECIDED'] })
  @HttpCode(200)
  @Roles('mib', 'township')
  @ApiOperation({
    summary:
      'Checker confirms: the paid enrolment is cancelled (403 SAME_HOLDER for the maker, 403 OTHER_ROLE, 409 ALREADY_DECIDED)',
  })
  confirm(
    @Param('cancellationId', ParseUUIDPipe) id: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.confirmCancellation.execute(DecideApprovalCommand.of(id, body, by));
  }

  @Post('cancellations/:cancellationId/reject')
  @ApiErrors({ 403: ['SAME_HOLDER', 'OTHER_ROLE'], 404: [], 409: ['ALREADY_DECIDED'] })
  @HttpCode(200)
  @Roles('mib', 'township')
  @ApiOperation({ summary: 'Checker refuses: the enrolment stays as it is' })
  reject(
    @Param('cancellationId', ParseUUIDPipe) id: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.rejectCancellation.execute(DecideApprovalCommand.of(id, body, by));
  }
}
