import { Injectable } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, ValidateNested } from 'class-validator';
import { EntityManager } from 'typeorm';
import { PaymentRecordedV1, PaymentReversedV1 } from '@urrbmi/contracts';
import { Command } from '@urrbmi/platform';
import { ProjectionsRepository } from './projections.repository';

/** A batch of the tax bureau's payment events to take into the refund desk's copy of payments. */
export class ProjectPaymentsCommand extends Command {
  @ValidateNested({ each: true })
  @Type(() => PaymentRecordedV1)
  @IsArray()
  recorded!: PaymentRecordedV1[];

  @ValidateNested({ each: true })
  @Type(() => PaymentReversedV1)
  @IsArray()
  reversed!: PaymentReversedV1[];
}

/** payment.recorded / payment.reversed → refund.payments, set-based, in the consumer's transaction. */
@Injectable()
export class ProjectPaymentsHandler {
  constructor(private readonly repository: ProjectionsRepository) {}

  async execute(m: EntityManager, cmd: ProjectPaymentsCommand): Promise<void> {
    await this.repository.recordPayments(m, cmd.recorded);
    await this.repository.reversePayments(m, cmd.reversed);
  }
}
