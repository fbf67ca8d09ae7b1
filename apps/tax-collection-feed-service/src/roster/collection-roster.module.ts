import { Module } from '@nestjs/common';
import { CollectionRosterController } from './collection-roster.controller';
import { PullCollectionRosterHandler } from './pull-collection-roster.handler';
import { RosterEventsController } from './roster-events.controller';
import { RosterRepository } from './roster.repository';

@Module({
  controllers: [CollectionRosterController, RosterEventsController],
  providers: [RosterRepository, PullCollectionRosterHandler],
})
export class CollectionRosterModule {}
