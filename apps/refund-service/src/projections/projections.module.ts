import { Module } from '@nestjs/common';
import { ProjectEnrolmentsHandler } from './project-enrolments';
import { ProjectPaymentsHandler } from './project-payments';
import { ProjectionsRepository } from './projections.repository';
import { SourceEventsController } from './source-events.controller';

@Module({
  controllers: [SourceEventsController],
  providers: [ProjectionsRepository, ProjectPaymentsHandler, ProjectEnrolmentsHandler],
  exports: [ProjectionsRepository],
})
export class ProjectionsModule {}
