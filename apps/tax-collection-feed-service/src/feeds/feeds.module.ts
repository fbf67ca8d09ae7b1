import { Module } from '@nestjs/common';
import { FeedProcessor } from './feed-processor';
import { FeedRepository } from './feed.repository';
import { FeedsController } from './feeds.controller';

@Module({
  controllers: [FeedsController],
  providers: [FeedRepository, FeedProcessor],
})
export class FeedsModule {}
