import { Module } from '@nestjs/common';
import { FeedDeadlineMonitor } from '../deadline/feed-deadline-monitor';
import { ReconciliationController } from '../reconciliation/reconciliation.controller';
import { CollectionRosterController } from '../roster/collection-roster.controller';
import { RosterEventsController } from '../roster/roster-events.controller';
import { RosterRepository } from '../roster/roster.repository';
import { FeedProcessor } from './feed-processor';
import { FeedRepository } from './feed.repository';
import { FeedsController } from './feeds.controller';
import { ReceiveFeedHandler } from './receive-feed.handler';

@Module({
  controllers: [
    FeedsController,
    ReconciliationController,
    CollectionRosterController,
    RosterEventsController,
  ],
  providers: [FeedRepository, FeedProcessor, ReceiveFeedHandler, FeedDeadlineMonitor, RosterRepository],
})
export class FeedsModule {}
