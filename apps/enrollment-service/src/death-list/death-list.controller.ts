import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { DecideApprovalCommand, DecisionBody } from '../approvals/decide-approval.command';
import { ConfirmDeathListHandler, DeathListQueries, RejectDeathListHandler } from './death-list.handlers';

const DECISION_ERRORS = {
  403: ['SAME_HOLDER', 'OTHER_ROLE'],
  404: ['BATCH_NOT_FOUND', 'DEATH_LIST_NOT_FOUND'],
  409: ['ALREADY_DECIDED', 'NOT_A_DEATH_LIST', 'DEATH_LIST_NOT_READY'],
};

/**
 * Death lists (X-Batch-Type: DEATHS), maker-checker: processing the batch checks its rows and holds
 * the cancellations; another holder of the submitter's role confirms (they are applied) or rejects.
 */
@ApiTags('enrollment batches')
@ApiBearerAuth()
@Controller('v1/enrollments/batch')
export class DeathListController {
  constructor(
    private readonly confirmDeaths: ConfirmDeathListHandler,
    private readonly rejectDeaths: RejectDeathListHandler,
    private readonly queries: DeathListQueries,
  ) {}

  @Get()
  @Roles('mib', 'township')
  @ApiOperation({
    summary: 'Death lists waiting for a checker (a township key: its own area)',
    description:
      'Each: batchId, status PENDING_CONFIRMATION, held (enrolments it cancels once confirmed), enteredBy, enteredAt.',
  })
  pending(@CurrentPrincipal() by: Principal) {
    return this.queries.pending(by);
  }

  @Post(':id/confirm')
  @ApiErrors(DECISION_ERRORS)
  @HttpCode(200)
  @Roles('mib', 'township')
  @ApiOperation({
    summary:
      'Checker confirms a death list: its held enrolments still live are cancelled (DEATH, from the date of death); 403 SAME_HOLDER for the submitter',
    description:
      'Another holder of the role that uploaded the list (a township: of the same township). Each cancellation publishes enrollment.cancelled and enrollment.standing, correlated with the batch; an enrolment cancelled some other way meanwhile is counted in noLongerLive and left as it is. 409 DEATH_LIST_NOT_READY while the batch is processing, 409 ALREADY_DECIDED the second time.',
  })
  @ApiOkResponse({ description: '{ batchId, status: CONFIRMED, held, cancelled, noLongerLive, decidedBy }' })
  confirm(
    @Param('id', ParseUUIDPipe) batchId: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.confirmDeaths.execute(DecideApprovalCommand.of(batchId, body, by));
  }

  @Post(':id/reject')
  @ApiErrors(DECISION_ERRORS)
  @HttpCode(200)
  @Roles('mib', 'township')
  @ApiOperation({ summary: 'Checker refuses a death list: nothing is cancelled' })
  @ApiOkResponse({ description: '{ batchId, status: REJECTED, held, decidedBy }' })
  reject(
    @Param('id', ParseUUIDPipe) batchId: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.rejectDeaths.execute(DecideApprovalCommand.of(batchId, body, by));
  }
}
