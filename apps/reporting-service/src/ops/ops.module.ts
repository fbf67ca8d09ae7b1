import { Module } from '@nestjs/common';
import { FeedStatusRepository } from './feed-status.repository';
import { GetQueueStatusHandler } from './get-queue-status.handler';
import { KafkaQueuesGateway } from './kafka-queues.gateway';
import { OpsController } from './ops.controller';
import { OpsMetrics } from './ops-metrics';
import { ServiceMetricsGateway } from './service-metrics.gateway';

@Module({
  controllers: [OpsController],
  providers: [
    KafkaQueuesGateway,
    ServiceMetricsGateway,
    FeedStatusRepository,
    GetQueueStatusHandler,
    OpsMetrics,
  ],
  exports: [GetQueueStatusHandler],
})
export class OpsModule {}
