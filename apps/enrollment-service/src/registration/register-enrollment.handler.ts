import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EnrollmentRegistered, EnrollmentRegisteredV1 } from '@urrbmi/contracts';
import { parseResidentId, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { assertAreaVisible, DomainError, Principal } from '@urrbmi/platform';
import { EnrollmentRepository } from './enrollment.repository';
import { RegisterEnrollmentCommand } from './register-enrollment.command';

export interface RegisteredEnrollment {
  enrollmentId: string;
  idNumber: string;
  season: number;
  status: string;
  registeredAt: string;
}

/**
 * Registers one person for a season and publishes `enrollment.registered` in the same transaction.
 * (Walking skeleton of issue #4: policy checks — windows, kinds, double cover — come with it.)
 */
@Injectable()
export class RegisterEnrollmentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EnrollmentRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    cmd: RegisterEnrollmentCommand,
    by: Principal,
    correlationId?: string,
  ): Promise<RegisteredEnrollment> {
    assertAreaVisible(by, cmd.townshipCode);
    const idNumber = parseResidentId(cmd.idNumber).value;
    const command = { ...cmd, idNumber };
    return this.dataSource.transaction(async (manager) => {
      const { created, row } = await this.repository.insertIfAbsent(
        manager,
        randomUUID(),
        command,
        by.holder,
      );
      if (!created) {
        throw new DomainError(
          'ALREADY_ENROLLED',
          `person is already enrolled for season ${cmd.season}`,
          409,
          {
            enrollmentId: row.id,
            status: row.status,
          },
        );
      }
      const registeredAt = toShanghaiIso(new Date(row.registered_at));
      const payload: EnrollmentRegisteredV1 = {
        enrollmentId: row.id,
        idNumber,
        name: cmd.name,
        season: cmd.season,
        regionCode: cmd.regionCode,
        townshipCode: cmd.townshipCode,
        villageCode: cmd.villageCode,
        kind: cmd.kind,
        registeredAt,
      };
      await this.outbox.publish(manager, [
        { type: EnrollmentRegistered.type, version: EnrollmentRegistered.version, payload, correlationId },
      ]);
      return { enrollmentId: row.id, idNumber, season: row.season, status: row.status, registeredAt };
    });
  }
}
