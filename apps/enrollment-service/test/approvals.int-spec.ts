import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { contractCatalog } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { messagingMigrations, OutboxWriter } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { Clock, parseRole, Principal } from '@urrbmi/platform';
import { loadPolicies, PolicyRegistry } from '@urrbmi/policy';
import { ApprovalRepository } from '../src/approvals/approval.repository';
import { DecideApprovalCommand } from '../src/approvals/decide-approval.command';
import { CancelEnrollmentBody, CancelEnrollmentCommand } from '../src/cancellation/cancel-enrollment.command';
import {
  CancelEnrollmentHandler,
  ConfirmCancellationHandler,
  RejectCancellationHandler,
} from '../src/cancellation/cancel-enrollment.handler';
import { EnrolmentCancellation } from '../src/cancellation/enrolment-cancellation';
import {
  EmployeeInsuredList,
  EnterEmployeeInsuredListCommand,
} from '../src/employee-insured/employee-insured.commands';
import {
  ConfirmEmployeeInsuredListHandler,
  EnterEmployeeInsuredListHandler,
} from '../src/employee-insured/employee-insured.handlers';
import { EmployeeInsuredRepository } from '../src/employee-insured/employee-insured.repository';
import { enrollmentService } from '../src/enrollment-service.definition';
import { AssessmentRepository } from '../src/lifecycle/assessment.repository';
import { LedgerRepository } from '../src/lifecycle/ledger.repository';
import { EnrolmentStateService } from '../src/standing/enrolment-state.service';
import { EnrollmentRepository } from '../src/standing/enrollment.repository';

const who = (holder: string, role: string): Principal => ({ holder, role, ...parseRole(role) });
const mibClerk = who('mib-clerk', 'mib');
const mibChecker = who('mib-checker', 'mib');
const township = who('tw-clerk', 'township:620725100');
const townshipChecker = who('tw-checker', 'township:620725100');
const otherTownship = who('tw-other', 'township:620725101');

function personId(n: number): string {
  const first17 = `62072519800101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** Maker-checker of enrollment-service: handlers and repositories on real Postgres, no HTTP. */
describe('enrollment maker-checker use cases (in process)', () => {
  let ds: DataSource;
  let enrollments: EnrollmentRepository;
  let cancel: CancelEnrollmentHandler;
  let confirm: ConfirmCancellationHandler;
  let reject: RejectCancellationHandler;
  let enterList: EnterEmployeeInsuredListHandler;
  let confirmList: ConfirmEmployeeInsuredListHandler;

  const count = async (sql: string, params: unknown[] = []) => Number((await ds.query(sql, params))[0].n);
  const cancelledEvents = () =>
    count(`SELECT count(*) AS n FROM enrollment.outbox WHERE topic = 'enrollment.cancelled'`);
  const statusOf = async (id: string) =>
    (
      (await ds.query(`SELECT status FROM enrollment.enrollments WHERE id = $1`, [id])) as {
        status: string;
      }[]
    )[0].status;

  /** An enrolment in Qingquan (620725100), paid `paidFen`. */
  async function enrolment(n: number, paidFen: number): Promise<string> {
    const id = randomUUID();
    await ds.transaction((m) =>
      enrollments.insertMany(m, [
        {
          id,
          idNumber: personId(n),
          name: '参保人',
          season: 2023,
          regionCode: '620725',
          townshipCode: '620725100',
          villageCode: null,
          kind: 'NEW',
          policyId: '620725-2023',
          facts: {},
          standardFen: 38000,
          registeredBy: 'test',
        },
      ]),
    );
    if (paidFen > 0)
      await ds.query(`UPDATE enrollment.enrollments SET paid_fen = $2 WHERE id = $1`, [id, paidFen]);
    return id;
  }
  const body = CancelEnrollmentBody.create({ reason: 'TRANSFER_OUT', effectiveDate: '2023-11-20' });
  const decision = (id: string, by: Principal) => DecideApprovalCommand.of(id, {}, by);

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
    ds = createServiceDataSource({
      url,
      schema: 'enrollment',
      migrations: [...messagingMigrations('enrollment'), ...enrollmentService.migrations],
      poolSize: 6,
    });
    await ds.initialize();
    await migrateServiceSchema(ds);
    const clock = new Clock('2023-11-20T10:00:00+08:00');
    const outbox = new OutboxWriter('enrollment', 'enrollment-service', contractCatalog());
    enrollments = new EnrollmentRepository(ds, clock);
    const approvals = new ApprovalRepository(ds);
    const standing = new EnrolmentStateService(
      enrollments,
      new PolicyRegistry(loadPolicies()),
      outbox,
      clock,
      new LedgerRepository(),
      new AssessmentRepository(),
    );
    const cancellation = new EnrolmentCancellation(enrollments, standing, outbox, clock);
    cancel = new CancelEnrollmentHandler(ds, enrollments, approvals, cancellation, clock);
    confirm = new ConfirmCancellationHandler(ds, enrollments, approvals, cancellation, clock);
    reject = new RejectCancellationHandler(ds, approvals, clock);
    enterList = new EnterEmployeeInsuredListHandler(ds, approvals, clock);
    confirmList = new ConfirmEmployeeInsuredListHandler(
      ds,
      approvals,
      enrollments,
      clock,
      new EmployeeInsuredRepository(clock),
    );
  });
  beforeEach(() =>
    ds.query(
      `TRUNCATE enrollment.approvals, enrollment.history, enrollment.employee_insured, enrollment.enrollments CASCADE;
       TRUNCATE enrollment.outbox`,
    ),
  );
  afterAll(async () => {
    await ds.destroy();
  });

  it('cancels an unpaid enrolment at once, through the one CancelEnrollment', async () => {
    const id = await enrolment(1, 0);
    const r = await cancel.execute(CancelEnrollmentCommand.of(id, body, mibClerk));
    expect(r).toEqual({
      pending: false,
      view: {
        enrollmentId: id,
        status: 'CANCELLED',
        reason: 'TRANSFER_OUT',
        effectiveDate: '2023-11-20',
        paidFen: 0,
      },
    });
    expect(await statusOf(id)).toBe('CANCELLED');
    expect(await cancelledEvents()).toBe(1);
  });

  it('holds the cancellation of a paid enrolment until another holder of the role confirms it', async () => {
    const id = await enrolment(2, 38000);
    const entered = await cancel.execute(CancelEnrollmentCommand.of(id, body, township));
    expect(entered).toMatchObject({
      pending: true,
      view: { status: 'PENDING_CONFIRMATION', paidFen: 38000 },
    });
    const cancellationId = (entered.view as { cancellationId: string }).cancellationId;
    // Pending: nothing applied, and a second request for the same enrolment is refused.
    expect(await statusOf(id)).toBe('REGISTERED');
    expect(await cancelledEvents()).toBe(0);
    await expect(cancel.execute(CancelEnrollmentCommand.of(id, body, township))).rejects.toMatchObject({
      code: 'CANCELLATION_PENDING',
      status: 409,
      details: { cancellationId },
    });
    // The maker, another role and another township are refused; nothing moves.
    await expect(confirm.execute(decision(cancellationId, township))).rejects.toMatchObject({
      code: 'SAME_HOLDER',
      status: 403,
    });
    await expect(confirm.execute(decision(cancellationId, mibChecker))).rejects.toMatchObject({
      code: 'OTHER_ROLE',
      status: 403,
    });
    await expect(confirm.execute(decision(cancellationId, otherTownship))).rejects.toMatchObject({
      status: 403,
    });
    expect(await statusOf(id)).toBe('REGISTERED');
    expect(await cancelledEvents()).toBe(0);

    expect(await confirm.execute(decision(cancellationId, townshipChecker))).toMatchObject({
      status: 'CANCELLED',
      paidFen: 38000,
      enteredBy: 'tw-clerk',
      confirmedBy: 'tw-checker',
    });
    expect(await statusOf(id)).toBe('CANCELLED');
    expect(await cancelledEvents()).toBe(1);
    await expect(confirm.execute(decision(cancellationId, townshipChecker))).rejects.toMatchObject({
      code: 'ALREADY_DECIDED',
      status: 409,
    });
  });

  it('a rejected cancellation leaves the enrolment as it was and frees it for a new request', async () => {
    const id = await enrolment(3, 38000);
    const entered = await cancel.execute(CancelEnrollmentCommand.of(id, body, mibClerk));
    const cancellationId = (entered.view as { cancellationId: string }).cancellationId;
    expect(await reject.execute(decision(cancellationId, mibChecker))).toMatchObject({ status: 'REJECTED' });
    expect(await statusOf(id)).toBe('REGISTERED');
    expect((await cancel.execute(CancelEnrollmentCommand.of(id, body, mibClerk))).pending).toBe(true);
  });

  it('records the employee-insured list only once a second mib holder confirms it', async () => {
    const id = await enrolment(4, 0);
    const list = EmployeeInsuredList.create({
      people: [{ idNumber: personId(4) }, { idNumber: personId(5) }],
    });
    const entered = await enterList.execute(EnterEmployeeInsuredListCommand.of(list, mibClerk));
    expect(entered).toMatchObject({ status: 'PENDING', people: 2 });
    expect(await count(`SELECT count(*) AS n FROM enrollment.employee_insured`)).toBe(0);
    await expect(confirmList.execute(decision(entered.listId, mibClerk))).rejects.toMatchObject({
      code: 'SAME_HOLDER',
    });
    expect(await count(`SELECT count(*) AS n FROM enrollment.employee_insured`)).toBe(0);
    expect(await confirmList.execute(decision(entered.listId, mibChecker))).toEqual({
      listed: 2,
      enrolmentsFlaggedDoubleCover: 1,
    });
    expect(await count(`SELECT count(*) AS n FROM enrollment.employee_insured`)).toBe(2);
    expect(
      await count(`SELECT count(*) AS n FROM enrollment.enrollments WHERE id = $1 AND double_cover`, [id]),
    ).toBe(1);
  });

  it('validates commands on creation', () => {
    expect(() => CancelEnrollmentBody.create({ reason: 'BORED' } as never)).toThrow();
    expect(() => DecideApprovalCommand.of('not-a-uuid', {}, mibChecker)).toThrow('approvalId must be a UUID');
    expect(() => EmployeeInsuredList.create({ people: [{ idNumber: '620725198001010011' }] })).toThrow();
  });
});
