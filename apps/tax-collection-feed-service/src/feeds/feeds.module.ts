import { Module } from '@nestjs/common';
import { FeedProcessor } from './feed-processor';
import { FeedRepository } from './feed.repository';
import { FeedsController } from './feeds.controller';
import { ReadFeedRejectsHandler } from './read-feed-rejects.handler';
import { ReceiveFeedHandler } from './receive-feed.handler';

@Module({
  controllers: [FeedsController],
  providers: [FeedRepository, FeedProcessor, ReceiveFeedHandler, ReadFeedRejectsHandler],
})
export class FeedsModule {}
