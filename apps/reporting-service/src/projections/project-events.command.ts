import { IsArray, IsIn } from 'class-validator';
import { EntityManager } from 'typeorm';
import { ConsumedEvent } from '@urrbmi/messaging';
import { validated } from '@urrbmi/platform';
import { PROJECTED_TOPICS, ProjectedTopic } from './projectors';

/**
 * A batch of events of one topic to apply to the projections, inside the consumer's transaction.
 * Payloads were validated against the contract when consumed; the command checks the topic is one
 * the projections know.
 */
export class ProjectEventsCommand {
  @IsIn(PROJECTED_TOPICS)
  topic!: ProjectedTopic;

  @IsArray()
  events!: ConsumedEvent[];

  /** The batch's transaction (BatchContext.manager): effects commit with the inbox rows. */
  manager!: EntityManager;

  static of(topic: string, events: ConsumedEvent[], manager: EntityManager): ProjectEventsCommand {
    return validated(Object.assign(new ProjectEventsCommand(), { topic, events, manager }));
  }
}
