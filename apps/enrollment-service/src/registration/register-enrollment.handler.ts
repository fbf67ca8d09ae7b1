import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { EnrollmentRegistered, EnrollmentRegisteredV1 } from '@urrbmi/contracts';
import { parseResidentId, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { AreaScope, Clock, DomainError, Principal } from '@urrbmi/platform';
import { decideEnrolment, PolicyRegistry, RegionSeasonPolicy } from '@urrbmi/policy';
import { EmployeeInsuredRepository } from '../employee-insured/employee-insured.repository';
import { EnrollmentRepository } from '../standing/enrollment.repository';
import { EnrolmentFacts } from '../standing/payment-standing';
import { RegisterEnrollmentCommand } from './register-enrollment.command';
import { RegistrationErrors } from './registration.errors';
import { RegistrationRepository } from './registration.repository';
import { RelayWakeup } from './relay-wakeup';

export interface RegisteredEnrollment {
  enrollmentId: string;
  idNumber: string;
  season: number;
  kind: string;
  status: string;
  policyId: string;
  amountDueFen: number;
  expectedBenefitStart: string;
  expectedBenefitEnd: string;
  /** Why the benefit period is what it is (newborn: from birth; a policy silent on it: said here). */
  benefitReason: string;
  registeredAt: string;
}

/** A registration that passed every check, ready to insert (shared by single and batch registration). */
export interface CheckedRegistration {
  cmd: RegisterEnrollmentCommand;
  policy: RegionSeasonPolicy;
  facts: EnrolmentFacts;
  expectedBenefitStart: string;
  /** Optional for registrations made by a payment (续保), which take the policy's period. */
  expectedBenefitEnd?: string;
  benefitReason?: string;
}

/**
 * 参保登记: checks one registration against the region-season policy and the person's other
 * enrolments, then registers it and publishes `enrollment.registered` in the same transaction.
 */
@Injectable()
export class RegisterEnrollmentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EnrollmentRepository,
    private readonly outbox: OutboxWriter,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
    private readonly registrations: RegistrationRepository,
    private readonly relayWakeup: RelayWakeup,
    private readonly employeeInsured: EmployeeInsuredRepository,
  ) {}

  /** The checks that need no database: policy, kind, window, newborn age. Throws DomainError. */
  check(cmd: RegisterEnrollmentCommand, by: Principal, today: string): CheckedRegistration {
    // A township key registers in its own township only: its county, township and villages.
    AreaScope.of(by).assertAddress(cmd);
    const policy = this.policies.find(cmd.regionCode, cmd.season);
    if (!policy)
      throw RegistrationErrors.NO_POLICY(`no policy for region ${cmd.regionCode} season ${cmd.season}`);
    const person = parseResidentId(cmd.idNumber);
    const facts: EnrolmentFacts = {};
    switch (cmd.kind) {
      case 'NEWBORN':
        facts.newbornBirthDate = person.birthDate;
        break;
      case 'NON_LOCAL':
        if (!cmd.residenceProof || cmd.notInsuredAtHome !== true) {
          throw RegistrationErrors.NON_LOCAL_PROOF_REQUIRED(
            'a non-local resident needs residenceProof and notInsuredAtHome: true',
          );
        }
        break;
      case 'LATE':
        if (!cmd.lateGroup)
          throw RegistrationErrors.LATE_GROUP_REQUIRED('a late enrolment names its lateGroup');
        break;
      case 'TRANSFER_IN':
        if (!cmd.previousRegionCode)
          throw RegistrationErrors.PREVIOUS_REGION_REQUIRED('a transfer-in names previousRegionCode');
        break;
      case 'PROXY':
        if (by.baseRole !== 'mib')
          throw RegistrationErrors.PROXY_BY_MIB_ONLY(
            'only the medical insurance bureau enrols on behalf of a fully subsidised person',
          );
        break;
    }
    if (cmd.lateGroup) facts.lateGroup = cmd.lateGroup;
    if (cmd.extendedGroup) facts.extendedGroup = cmd.extendedGroup;
    if (cmd.employeeHistory)
      facts.employeeHistory = {
        continuousYears: cmd.employeeHistory.continuousYears,
        gapMonths: cmd.employeeHistory.gapMonths,
      };
    const decision = decideEnrolment(policy, {
      date: today,
      newborn: facts.newbornBirthDate ? { birthDate: facts.newbornBirthDate } : undefined,
      extendedGroup: facts.extendedGroup,
      lateGroup: cmd.kind === 'LATE' ? facts.lateGroup : undefined,
      employeeHistory: facts.employeeHistory,
    });
    if (!decision.allowed) throw RegistrationErrors[decision.code](decision.reason);
    return {
      cmd: { ...cmd, idNumber: person.value },
      policy,
      facts,
      expectedBenefitStart: decision.benefitStart,
      expectedBenefitEnd: decision.benefitEnd,
      benefitReason: decision.reason,
    };
  }

  /** The checks against other records, inside the registering transaction. */
  async checkAgainstRecords(
    m: EntityManager,
    c: CheckedRegistration,
    today: string,
    scope: AreaScope = AreaScope.ALL,
  ): Promise<void> {
    const { cmd } = c;
    if (await this.employeeInsured.isEmployeeInsured(m, cmd.idNumber, today)) throw doubleCover();
    if (cmd.kind === 'TRANSFER_IN') {
      const elsewhere = await this.repository.liveElsewhere(m, cmd.idNumber, cmd.season, cmd.regionCode);
      if (elsewhere.length > 0) throw notCancelledElsewhere(elsewhere[0], scope);
    }
  }

  /**
   * One round trip: every check that needs no database first, then one statement (its own
   * transaction) that checks the person's records and writes the enrolment, its history and its
   * event (RegistrationRepository.register), then the relay is woken. A refusal writes nothing.
   */
  async execute(
    cmd: RegisterEnrollmentCommand,
    by: Principal,
    correlationId?: string,
  ): Promise<RegisteredEnrollment> {
    const today = this.clock.today();
    const checked = this.check(cmd, by, today);
    const scope = AreaScope.of(by);
    const id = randomUUID();
    const registeredAt = toShanghaiIso(this.clock.now());
    const [payload] = this.registeredPayloads([{ id, checked }], registeredAt);
    // Validated against the catalog here, before anything is written, as OutboxWriter.publish does.
    const [event] = this.outbox.envelopes([
      { type: EnrollmentRegistered.type, version: EnrollmentRegistered.version, payload, correlationId },
    ]);
    const outcome = await this.registrations.register(
      { ...this.toRow(id, checked, by.holder), registeredAt },
      this.historyDetails(checked),
      event,
      today,
      cmd.kind === 'TRANSFER_IN',
    );
    if (outcome.employeeInsured) throw doubleCover();
    if (outcome.elsewhere) throw notCancelledElsewhere(outcome.elsewhere, scope);
    if (outcome.inserted) this.relayWakeup.committed(1);
    else {
      const existing = await this.repository.findLive(this.dataSource, checked.cmd.idNumber, cmd.season);
      throw RegistrationErrors.ALREADY_ENROLLED(
        `person is already enrolled for season ${cmd.season}`,
        // A township learns the enrolment only when it lies in its own area.
        scope.visible({ enrollmentId: existing?.id, status: existing?.status }, existing?.townshipCode),
      );
    }
    return {
      enrollmentId: id,
      idNumber: checked.cmd.idNumber,
      season: cmd.season,
      kind: cmd.kind,
      status: 'REGISTERED',
      policyId: checked.policy.id,
      amountDueFen: checked.policy.contribution.individualFen,
      expectedBenefitStart: checked.expectedBenefitStart,
      expectedBenefitEnd: checked.expectedBenefitEnd ?? checked.policy.benefitPeriod.to,
      benefitReason: checked.benefitReason ?? '',
      registeredAt,
    };
  }

  toRow(id: string, c: CheckedRegistration, holder: string) {
    const { cmd, policy, facts } = c;
    return {
      id,
      idNumber: cmd.idNumber,
      name: cmd.name,
      season: cmd.season,
      regionCode: cmd.regionCode,
      townshipCode: cmd.townshipCode ?? null,
      villageCode: cmd.villageCode ?? null,
      kind: cmd.kind,
      policyId: policy.id,
      facts: {
        ...facts,
        ...(cmd.school ? { school: cmd.school } : {}),
        ...(cmd.residenceProof ? { residenceProof: cmd.residenceProof } : {}),
        ...(cmd.previousRegionCode ? { previousRegionCode: cmd.previousRegionCode } : {}),
      },
      standardFen: policy.contribution.individualFen,
      registeredBy: holder,
    };
  }

  /**
   * History rows and `enrollment.registered` events for enrolments just inserted at `insertedAt`
   * (`EnrollmentRepository.insertMany`): the event carries the instant the row holds, so that
   * `enrollment.standing` can carry the same one (consumers order enrolments by it).
   */
  async publishRegistered(
    m: EntityManager,
    rows: { id: string; checked: CheckedRegistration }[],
    holder: string,
    insertedAt: Date,
    correlationId?: string,
  ): Promise<EnrollmentRegisteredV1[]> {
    const registeredAt = toShanghaiIso(insertedAt);
    const payloads = this.registeredPayloads(rows, registeredAt);
    await this.repository.addHistory(
      m,
      rows.map(({ id, checked }) => ({
        enrollmentId: id,
        actor: holder,
        change: 'REGISTERED',
        details: this.historyDetails(checked),
      })),
    );
    await this.outbox.publish(
      m,
      payloads.map((payload) => ({
        type: EnrollmentRegistered.type,
        version: EnrollmentRegistered.version,
        payload,
        correlationId,
      })),
    );
    return payloads;
  }

  private registeredPayloads(
    rows: { id: string; checked: CheckedRegistration }[],
    registeredAt: string,
  ): EnrollmentRegisteredV1[] {
    return rows.map(({ id, checked: { cmd, policy } }) => ({
      enrollmentId: id,
      idNumber: cmd.idNumber,
      name: cmd.name,
      season: cmd.season,
      regionCode: cmd.regionCode,
      townshipCode: cmd.townshipCode,
      villageCode: cmd.villageCode,
      kind: cmd.kind,
      policyId: policy.id,
      amountDueFen: policy.contribution.individualFen,
      registeredAt,
    }));
  }

  private historyDetails(checked: CheckedRegistration): object {
    return {
      kind: checked.cmd.kind,
      expectedBenefitStart: checked.expectedBenefitStart,
      expectedBenefitEnd: checked.expectedBenefitEnd,
      benefitReason: checked.benefitReason,
    };
  }
}

function doubleCover(): DomainError {
  return RegistrationErrors.DOUBLE_COVER(
    'person is insured as an employee; resident insurance would be double cover',
  );
}

function notCancelledElsewhere(
  e: { id: string; regionCode: string; season: number; townshipCode: string | null },
  scope: AreaScope,
): DomainError {
  return RegistrationErrors.NOT_CANCELLED_ELSEWHERE(
    `person is still enrolled in ${e.regionCode} for season ${e.season}; cancel there first`,
    // Another area's enrolment is named only to whoever may see it.
    scope.visible({ enrollmentId: e.id }, e.townshipCode),
  );
}
