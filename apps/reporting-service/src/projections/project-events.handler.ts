import { Injectable } from '@nestjs/common';
import { CommandHandler } from '@urrbmi/platform';
import { ProjectEventsCommand } from './project-events.command';
import { PROJECTORS } from './projectors';
import { ProjectionRepository } from './projection.repository';

/** Applies one consumed batch of one topic to the fact tables, in the batch's transaction. */
@Injectable()
export class ProjectEventsHandler implements CommandHandler<ProjectEventsCommand, void> {
  constructor(private readonly repository: ProjectionRepository) {}

  async execute(cmd: ProjectEventsCommand): Promise<void> {
    if (cmd.events.length === 0) return;
    await PROJECTORS[cmd.topic](
      this.repository,
      cmd.manager,
      cmd.events.map((e) => e.envelope.payload),
    );
  }
}
