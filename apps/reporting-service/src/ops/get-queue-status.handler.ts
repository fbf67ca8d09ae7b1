import { Injectable } from '@nestjs/common';
import { IsOptional, IsBoolean } from 'class-validator';
import { Clock } from '@urrbmi/platform';
import { toShanghaiIso } from '@urrbmi/domain';
import { CommandHandler } from '@urrbmi/platform';
import { FeedStatus, FeedStatusRepository } from './feed-status.repository';
import { ConsumerGroupLag, DeadLetterDepth, KafkaQueuesGateway } from './kafka-queues.gateway';
import { OutboxBacklog, ServiceMetricsGateway } from './service-metrics.gateway';

export class GetQueueStatusQuery {
  /** Accept a snapshot up to a second old (metrics scrapes); the HTTP view always asks afresh. */
  @IsOptional()
  @IsBoolean()
  allowCached?: boolean;
}

export interface QueueStatus {
  generatedAt: string;
  consumerGroups: ConsumerGroupLag[];
  deadLetters: DeadLetterDepth[];
  outboxBacklogs: OutboxBacklog[];
  feeds: FeedStatus[];
}

/** The ops view of the queues: lag, dead letters, outbox backlogs, the last feed and whether it is late. */
@Injectable()
export class GetQueueStatusHandler implements CommandHandler<GetQueueStatusQuery, QueueStatus> {
  private cached?: { at: number; status: Promise<QueueStatus> };

  constructor(
    private readonly kafka: KafkaQueuesGateway,
    private readonly services: ServiceMetricsGateway,
    private readonly feeds: FeedStatusRepository,
    private readonly clock: Clock,
  ) {}

  execute(q: GetQueueStatusQuery): Promise<QueueStatus> {
    if (q.allowCached && this.cached && Date.now() - this.cached.at < 1000) return this.cached.status;
    const status = this.fresh();
    this.cached = { at: Date.now(), status };
    status.catch(() => (this.cached = undefined));
    return status;
  }

  private async fresh(): Promise<QueueStatus> {
    const [queues, outboxBacklogs, feeds] = await Promise.all([
      this.kafka.snapshot(),
      this.services.backlogs(),
      this.feeds.perRegion(),
    ]);
    return {
      generatedAt: toShanghaiIso(this.clock.now()),
      consumerGroups: queues.groups,
      deadLetters: queues.deadLetters,
      outboxBacklogs,
      feeds,
    };
  }
}
