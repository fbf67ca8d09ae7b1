import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { GetQueueStatusHandler, GetQueueStatusQuery, QueueStatus } from './get-queue-status.handler';

@ApiTags('ops')
@ApiBearerAuth()
@Controller('v1/ops')
export class OpsController {
  constructor(private readonly queueStatus: GetQueueStatusHandler) {}

  @Get('queues')
  @Roles('ops')
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  @ApiOperation({
    summary:
      'Consumer lag per group, topic and partition; dead-letter depths; outbox backlog per service; last feed and lateness',
  })
  queues(): Promise<QueueStatus> {
    return this.queueStatus.execute(createCommand(GetQueueStatusQuery, {}));
  }
}
