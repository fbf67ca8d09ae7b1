import { Module } from '@nestjs/common';
import { FeedDeadlineMonitor } from './feed-deadline-monitor';
import { LateFeedsRepository } from './late-feeds.repository';
import { RaiseLateFeedsHandler } from './raise-late-feeds.handler';

@Module({ providers: [LateFeedsRepository, RaiseLateFeedsHandler, FeedDeadlineMonitor] })
export class DeadlineModule {}
