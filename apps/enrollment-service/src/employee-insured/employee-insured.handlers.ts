import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { Clock, errorCodes } from '@urrbmi/platform';
import { Approval, ApprovalRepository } from '../approvals/approval.repository';
import { DecideApprovalCommand } from '../approvals/decide-approval.command';
import { lockForChecker, makerCheckerView, rejectApproval } from '../approvals/checker-turn';
import { EnrollmentRepository } from '../standing/enrollment.repository';
import { EmployeeInsuredRepository } from './employee-insured.repository';
import { EnterEmployeeInsuredListCommand } from './employee-insured.commands';

/** Refusals of employee-insured lists (checker refusals are the shared `MakerCheckerErrors`). */
export const EmployeeInsuredErrors = errorCodes({ LIST_NOT_FOUND: 404 });

interface ListedPerson {
  idNumber: string;
  name: string | null;
  insuredFrom: string | null;
  insuredTo: string | null;
}

interface ListOutcome {
  listed: number;
  enrolmentsFlaggedDoubleCover: number;
}

type EmployeeInsuredApproval = Approval<{ people: ListedPerson[] }, ListOutcome>;

/** A list as callers see it (ID numbers are not echoed: the maker has them, the checker reads the count). */
export function listView(a: EmployeeInsuredApproval) {
  return {
    listId: a.id,
    status: a.status,
    people: a.payload.people.length,
    ...makerCheckerView(a),
    ...(a.outcome ?? {}),
  };
}

const find = (approvals: ApprovalRepository, id: string, m?: EntityManager, lock = false) =>
  approvals.find<{ people: ListedPerson[] }, ListOutcome>('EMPLOYEE_INSURED_LIST', id, m, lock);

const LIST = {
  kind: 'EMPLOYEE_INSURED_LIST',
  label: 'employee-insured list',
  notFound: (id: string) => EmployeeInsuredErrors.LIST_NOT_FOUND(`no employee-insured list ${id}`),
} as const;

/** `EnterEmployeeInsuredList` (maker): the list waits, PENDING, for another mib holder. */
@Injectable()
export class EnterEmployeeInsuredListHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
    private readonly clock: Clock,
  ) {}

  execute(cmd: EnterEmployeeInsuredListCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const id = randomUUID();
      const people: ListedPerson[] = cmd.people.map((p) => ({
        idNumber: p.idNumber.toUpperCase(),
        name: p.name ?? null,
        insuredFrom: p.insuredFrom ?? null,
        insuredTo: p.insuredTo ?? null,
      }));
      await this.approvals.create(m, {
        id,
        kind: 'EMPLOYEE_INSURED_LIST',
        enrollmentId: null,
        townshipCode: null,
        payload: { people },
        enteredBy: cmd.by.holder,
        enteredRole: cmd.by.role,
        enteredAt: this.clock.now(),
      });
      return listView((await find(this.approvals, id, m))!);
    });
  }
}

/**
 * `ConfirmEmployeeInsuredList` (checker): the people are recorded as insured as employees (refused at
 * registration from then on) and their live enrolments flagged as double cover, with history.
 */
@Injectable()
export class ConfirmEmployeeInsuredListHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly clock: Clock,
    private readonly employeeInsured: EmployeeInsuredRepository,
  ) {}

  execute(cmd: DecideApprovalCommand): Promise<ListOutcome> {
    return inTransaction(this.dataSource, async (m) => {
      const { approval: a, decision } = await lockForChecker<{ people: ListedPerson[] }, ListOutcome>(
        this.approvals,
        m,
        LIST,
        cmd,
        'CONFIRMED',
        this.clock.now(),
      );
      const people = a.payload.people;
      // Listed by the maker: the person who vouched for the list's content.
      await this.employeeInsured.upsertEmployeeInsured(m, people, a.enteredBy);
      const flagged = await this.enrollments.flagDoubleCover(
        m,
        people.map((p) => p.idNumber),
        this.clock.today(),
      );
      await this.enrollments.addHistory(
        m,
        flagged.map((id) => ({
          enrollmentId: id,
          actor: cmd.by.holder,
          change: 'DOUBLE_COVER',
          details: { note: 'listed as insured as an employee', listId: a.id, enteredBy: a.enteredBy },
        })),
      );
      const outcome: ListOutcome = { listed: people.length, enrolmentsFlaggedDoubleCover: flagged.length };
      await this.approvals.decide(m, a.id, decision, outcome);
      return outcome;
    });
  }
}

/** `RejectEmployeeInsuredList` (checker): nothing is recorded. */
@Injectable()
export class RejectEmployeeInsuredListHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
    private readonly clock: Clock,
  ) {}

  execute(cmd: DecideApprovalCommand) {
    return inTransaction(this.dataSource, async (m) =>
      listView(
        await rejectApproval<{ people: ListedPerson[] }, ListOutcome>(
          this.approvals,
          m,
          LIST,
          cmd,
          this.clock.now(),
        ),
      ),
    );
  }
}

/** `GetEmployeeInsuredList` and the lists waiting for a checker. */
@Injectable()
export class EmployeeInsuredQueries {
  constructor(private readonly approvals: ApprovalRepository) {}

  async get(id: string) {
    const a = await find(this.approvals, id);
    if (!a) throw EmployeeInsuredErrors.LIST_NOT_FOUND(`no employee-insured list ${id}`);
    return listView(a);
  }

  async pending() {
    const list = await this.approvals.pending('EMPLOYEE_INSURED_LIST', null);
    return { pending: list.map((a) => listView(a as EmployeeInsuredApproval)) };
  }
}
