import { Injectable } from '@nestjs/common';
import { IsArray, IsString } from 'class-validator';
import { EntityManager } from 'typeorm';
import { EnrollmentRegisteredV1, EnrollmentStandingV1 } from '@urrbmi/contracts';
import { Command } from '@urrbmi/platform';
import { AssessSubsidyCommand, AssessSubsidyHandler } from './assess-subsidy.handler';
import { EnrolmentFact, EnrolmentRepository } from './enrolment.repository';

type Standing = Pick<EnrolmentFact, 'version' | 'status' | 'paidFen' | 'paidInFullOn' | 'subsidyEnjoyedFen'>;

/** A registration is version 0 of its enrolment: nothing paid yet. */
const NOT_PAID_YET: Standing = {
  version: 0,
  status: 'REGISTERED',
  paidFen: 0,
  paidInFullOn: null,
  subsidyEnjoyedFen: 0,
};

function enrolmentFact(
  p: Pick<EnrolmentFact, 'idNumber' | 'season' | 'regionCode' | 'enrollmentId' | 'registeredAt'>,
  standing: Standing,
): EnrolmentFact {
  return {
    idNumber: p.idNumber,
    season: p.season,
    regionCode: p.regionCode,
    enrollmentId: p.enrollmentId,
    registeredAt: p.registeredAt,
    ...standing,
  };
}

/**
 * `RecordEnrolments`: what the subsidy service needs to know of enrolments, kept set-based per
 * batch: who is enrolled (enrollment.registered) and how each enrolment stands (enrollment.standing:
 * paid in full on which date, undone by a reversal or refund, cancelled). "Paid in full" is
 * enrollment-service's judgement, never re-derived here from payments.
 */
export class RecordEnrolmentsCommand extends Command {
  /** Facts from catalog-validated events. */
  @IsArray()
  facts!: EnrolmentFact[];

  /** Whom to assess again afterwards. */
  @IsString({ each: true })
  @IsArray()
  reassess!: string[];

  /** Registrations: everyone registered is assessed. */
  static ofRegistrations(ps: EnrollmentRegisteredV1[]): RecordEnrolmentsCommand {
    return RecordEnrolmentsCommand.create({
      facts: ps.map((p) => enrolmentFact(p, NOT_PAID_YET)),
      reassess: ps.map((p) => p.idNumber),
    });
  }

  /** Standings: someone no longer paid in full (a reversal) is assessed again on today's identities. */
  static ofStandings(ps: EnrollmentStandingV1[]): RecordEnrolmentsCommand {
    return RecordEnrolmentsCommand.create({
      facts: ps.map((p) =>
        enrolmentFact(p, {
          version: p.standingVersion,
          status: p.status,
          paidFen: p.paidFen,
          paidInFullOn: p.status === 'ACTIVE' ? (p.paidInFullOn ?? null) : null,
          subsidyEnjoyedFen: p.subsidyEnjoyedFen,
        }),
      ),
      reassess: ps.filter((p) => p.status === 'REGISTERED').map((p) => p.idNumber),
    });
  }
}

@Injectable()
export class RecordEnrolmentsHandler {
  constructor(
    private readonly enrolments: EnrolmentRepository,
    private readonly assess: AssessSubsidyHandler,
  ) {}

  /** In the consumer's batch transaction: the facts and the assessments they change commit together. */
  async execute(m: EntityManager, cmd: RecordEnrolmentsCommand): Promise<void> {
    await this.enrolments.apply(m, cmd.facts);
    await this.assess.execute(m, AssessSubsidyCommand.create({ idNumbers: cmd.reassess }));
  }
}
