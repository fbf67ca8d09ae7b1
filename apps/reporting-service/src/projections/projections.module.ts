import { Module } from '@nestjs/common';
import { ProjectEventsHandler } from './project-events.handler';
import { ProjectionEventsController } from './projection-events.controller';
import { ProjectionRepository } from './projection.repository';

@Module({
  controllers: [ProjectionEventsController],
  providers: [ProjectionRepository, ProjectEventsHandler],
  exports: [ProjectionRepository, ProjectEventsHandler],
})
export class ProjectionsModule {}
