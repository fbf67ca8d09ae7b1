import { Injectable } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, ValidateNested } from 'class-validator';
import { EntityManager } from 'typeorm';
import { EnrollmentActivatedV1, EnrollmentCancelledV1, EnrollmentRegisteredV1 } from '@urrbmi/contracts';
import { Command } from '@urrbmi/platform';
import { ProjectionsRepository } from './projections.repository';

/** A batch of enrolment events: who owes what (the standard), benefit periods, cancellations. */
export class ProjectEnrolmentsCommand extends Command {
  @ValidateNested({ each: true })
  @Type(() => EnrollmentRegisteredV1)
  @IsArray()
  registered!: EnrollmentRegisteredV1[];

  @ValidateNested({ each: true })
  @Type(() => EnrollmentActivatedV1)
  @IsArray()
  activated!: EnrollmentActivatedV1[];

  @ValidateNested({ each: true })
  @Type(() => EnrollmentCancelledV1)
  @IsArray()
  cancelled!: EnrollmentCancelledV1[];
}

/** enrollment.* → refund.enrolments, set-based; each event fills only what it knows. */
@Injectable()
export class ProjectEnrolmentsHandler {
  constructor(private readonly repository: ProjectionsRepository) {}

  async execute(m: EntityManager, cmd: ProjectEnrolmentsCommand): Promise<void> {
    await this.repository.registerEnrolments(m, cmd.registered);
    await this.repository.activateEnrolments(m, cmd.activated);
    await this.repository.cancelEnrolments(m, cmd.cancelled);
  }
}
