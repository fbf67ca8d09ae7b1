import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { contractCatalog } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { messagingMigrations, OutboxWriter } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { Clock, parseRole, Principal, StructuredLogger } from '@urrbmi/platform';
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
import { BatchProcessor } from '../src/batch/batch-processor';
import { BatchSettings } from '../src/batch/batch-settings';
import { BatchRepository, BatchType } from '../src/batch/batch.repository';
import {
  ConfirmDeathListHandler,
  DeathListQueries,
  EnterDeathList,
  RejectDeathListHandler,
} from '../src/death-list/death-list.handlers';
import { DeathListRepository } from '../src/death-list/death-list.repository';
import { EmployeeInsuredRepository } from '../src/employee-insured/employee-insured.repository';
import { enrollmentService } from '../src/enrollment-service.definition';
import { AssessmentRepository } from '../src/lifecycle/assessment.repository';
import { LedgerRepository } from '../src/lifecycle/ledger.repository';
import { RegisterEnrollmentHandler } from '../src/registration/register-enrollment.handler';
import { RegistrationRepository } from '../src/registration/registration.repository';
import { RelayWakeup } from '../src/registration/relay-wakeup';
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
  let batches: BatchRepository;
  let processor: BatchProcessor;
  let confirmDeaths: ConfirmDeathListHandler;
  let rejectDeaths: RejectDeathListHandler;
  let deathLists: DeathListQueries;

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
      enrollments.insertMany(
        m,
        [
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
        ],
        new Date(),
      ),
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
    const employeeInsured = new EmployeeInsuredRepository(clock);
    confirmList = new ConfirmEmployeeInsuredListHandler(ds, approvals, enrollments, clock, employeeInsured);
    batches = new BatchRepository(ds, clock);
    const registrations = new RegistrationRepository(ds);
    const register = new RegisterEnrollmentHandler(
      ds,
      enrollments,
      outbox,
      new PolicyRegistry(loadPolicies()),
      clock,
      registrations,
      // Not the relay's leader here: the wake-up goes as a NOTIFY through Postgres, as from a replica.
      new RelayWakeup(registrations, { relay: { isLeader: () => false, wakeUp: () => undefined } } as never),
      employeeInsured,
    );
    const held = new DeathListRepository();
    const quiet = new StructuredLogger('test', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));
    processor = new BatchProcessor(
      ds,
      batches,
      enrollments,
      register,
      clock,
      quiet,
      held,
      new EnterDeathList(approvals, held, clock),
      new BatchSettings(),
      employeeInsured,
    );
    confirmDeaths = new ConfirmDeathListHandler(
      ds,
      batches,
      approvals,
      held,
      enrollments,
      cancellation,
      clock,
    );
    rejectDeaths = new RejectDeathListHandler(ds, batches, approvals, clock);
    deathLists = new DeathListQueries(approvals);
  });
  beforeEach(() =>
    ds.query(
      `TRUNCATE enrollment.approvals, enrollment.history, enrollment.employee_insured, enrollment.enrollments,
         enrollment.death_list_entries, enrollment.batch_rejects, enrollment.batches CASCADE;
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

  describe('death lists (X-Batch-Type: DEATHS), held for a checker', () => {
    const files = mkdtempSync(path.join(tmpdir(), 'urrbmi-death-lists-'));
    const deathsOf = (n: number[]) =>
      `id_number,season,date_of_death\n${n.map((i) => `${personId(i)},2023,2023-11-0${i % 9 || 1}`).join('\n')}\n`;

    /** A batch as uploaded by `by`; processed (to DONE) unless `process` is false. */
    async function batch(csv: string, by: Principal, type: BatchType = 'DEATHS', process = true) {
      const storagePath = path.join(files, `${randomUUID()}.csv`);
      writeFileSync(storagePath, csv);
      const { batch: b } = await batches.createOrFind({
        id: randomUUID(),
        sha256: createHash('sha256').update(csv).digest('hex'),
        batchType: type,
        fileName: 'deaths.csv',
        contentType: 'text/csv',
        sizeBytes: csv.length,
        storagePath,
        submittedBy: by.holder,
        submitterRole: by.role,
      });
      if (process) await processor.enqueue(b);
      return (await batches.find(b.id))!;
    }
    const reasonOf = async (id: string) =>
      (
        (await ds.query(`SELECT cancel_reason FROM enrollment.enrollments WHERE id = $1`, [id])) as {
          cancel_reason: string | null;
        }[]
      )[0].cancel_reason;

    it('cancels nothing until another holder of the role confirms; then each held enrolment once', async () => {
      const [unpaid, paid] = [await enrolment(11, 0), await enrolment(12, 38000)];
      // 11 twice (the repeat is refused), 12, and 13 who has no enrolment.
      const b = await batch(deathsOf([11, 11, 12, 13]), township);
      expect(b).toMatchObject({ status: 'DONE', accepted: 2, rejected: 2 });
      expect(await deathLists.ofBatch(b)).toMatchObject({
        deathList: { batchId: b.id, status: 'PENDING_CONFIRMATION', held: 2, enteredBy: 'tw-clerk' },
      });
      expect((await deathLists.pending(townshipChecker)).pending).toMatchObject([{ batchId: b.id }]);
      expect((await deathLists.pending(otherTownship)).pending).toEqual([]);
      expect([await statusOf(unpaid), await statusOf(paid), await cancelledEvents()]).toEqual([
        'REGISTERED',
        'REGISTERED',
        0,
      ]);

      // The submitter, another role and another township are refused; nothing moves.
      await expect(confirmDeaths.execute(decision(b.id, township))).rejects.toMatchObject({
        code: 'SAME_HOLDER',
        status: 403,
      });
      await expect(rejectDeaths.execute(decision(b.id, township))).rejects.toMatchObject({
        code: 'SAME_HOLDER',
      });
      await expect(confirmDeaths.execute(decision(b.id, mibChecker))).rejects.toMatchObject({
        code: 'OTHER_ROLE',
        status: 403,
      });
      await expect(confirmDeaths.execute(decision(b.id, otherTownship))).rejects.toMatchObject({
        code: 'BATCH_NOT_FOUND',
        status: 404,
      });
      expect([await statusOf(unpaid), await statusOf(paid), await cancelledEvents()]).toEqual([
        'REGISTERED',
        'REGISTERED',
        0,
      ]);

      expect(await confirmDeaths.execute(decision(b.id, townshipChecker))).toMatchObject({
        batchId: b.id,
        status: 'CONFIRMED',
        held: 2,
        cancelled: 2,
        noLongerLive: 0,
        enteredBy: 'tw-clerk',
        decidedBy: 'tw-checker',
      });
      expect([await statusOf(unpaid), await statusOf(paid)]).toEqual(['CANCELLED', 'CANCELLED']);
      expect([await reasonOf(unpaid), await reasonOf(paid)]).toEqual(['DEATH', 'DEATH']);
      // The events of today's cancellation, correlated with the batch, with what was paid.
      const events = (await ds.query(
        `SELECT envelope FROM enrollment.outbox WHERE topic = 'enrollment.cancelled' ORDER BY event_key`,
      )) as { envelope: { correlationId: string; payload: Record<string, unknown> } }[];
      expect(events.map((e) => e.envelope.correlationId)).toEqual([b.id, b.id]);
      expect(
        events.map((e) => e.envelope.payload).sort((x, y) => Number(x.paidFen) - Number(y.paidFen)),
      ).toEqual([
        expect.objectContaining({
          enrollmentId: unpaid,
          reason: 'DEATH',
          effectiveDate: '2023-11-02',
          paidFen: 0,
        }),
        expect.objectContaining({
          enrollmentId: paid,
          reason: 'DEATH',
          effectiveDate: '2023-11-03',
          paidFen: 38000,
        }),
      ]);
      expect(
        await count(
          `SELECT count(*) AS n FROM enrollment.history WHERE change = 'CANCELLED' AND actor = 'tw-checker'
             AND details->>'batchId' = $1 AND details->>'enteredBy' = 'tw-clerk'`,
          [b.id],
        ),
      ).toBe(2);

      // Once: a second confirmation is refused and applies nothing again.
      await expect(confirmDeaths.execute(decision(b.id, townshipChecker))).rejects.toMatchObject({
        code: 'ALREADY_DECIDED',
        status: 409,
      });
      expect(await cancelledEvents()).toBe(2);
      expect((await deathLists.pending(townshipChecker)).pending).toEqual([]);
    });

    it('a rejected death list cancels nothing, and cannot be confirmed afterwards', async () => {
      const id = await enrolment(14, 0);
      const b = await batch(deathsOf([14]), mibClerk);
      expect(await rejectDeaths.execute(decision(b.id, mibChecker))).toMatchObject({
        status: 'REJECTED',
        held: 1,
        decidedBy: 'mib-checker',
      });
      await expect(confirmDeaths.execute(decision(b.id, mibChecker))).rejects.toMatchObject({
        code: 'ALREADY_DECIDED',
      });
      expect([await statusOf(id), await cancelledEvents()]).toEqual(['REGISTERED', 0]);
      expect(await deathLists.ofBatch((await batches.find(b.id))!)).toMatchObject({
        deathList: { status: 'REJECTED' },
      });
    });

    it('leaves an enrolment cancelled some other way meanwhile as it is', async () => {
      const [gone, live] = [await enrolment(15, 0), await enrolment(16, 0)];
      const b = await batch(deathsOf([15, 16]), mibClerk);
      await cancel.execute(CancelEnrollmentCommand.of(gone, body, mibClerk));
      expect(await confirmDeaths.execute(decision(b.id, mibChecker))).toMatchObject({
        held: 2,
        cancelled: 1,
        noLongerLive: 1,
      });
      expect([await reasonOf(gone), await reasonOf(live), await cancelledEvents()]).toEqual([
        'TRANSFER_OUT',
        'DEATH',
        2,
      ]);
    });

    it('refuses what is no death list to decide: a registrations batch, one still processing, none', async () => {
      const registrations = await batch('id_number\n', mibClerk, 'REGISTRATIONS', false);
      await expect(confirmDeaths.execute(decision(registrations.id, mibChecker))).rejects.toMatchObject({
        code: 'NOT_A_DEATH_LIST',
        status: 409,
      });
      const waiting = await batch(deathsOf([17]), mibClerk, 'DEATHS', false);
      await expect(rejectDeaths.execute(decision(waiting.id, mibChecker))).rejects.toMatchObject({
        code: 'DEATH_LIST_NOT_READY',
        status: 409,
      });
      expect(await deathLists.ofBatch(waiting)).toEqual({ deathList: null });
      await expect(confirmDeaths.execute(decision(randomUUID(), mibChecker))).rejects.toMatchObject({
        code: 'BATCH_NOT_FOUND',
        status: 404,
      });
    });
  });

  it('validates commands on creation', () => {
    expect(() => CancelEnrollmentBody.create({ reason: 'BORED' } as never)).toThrow();
    expect(() => DecideApprovalCommand.of('not-a-uuid', {}, mibChecker)).toThrow('approvalId must be a UUID');
    expect(() => EmployeeInsuredList.create({ people: [{ idNumber: '620725198001010011' }] })).toThrow();
  });
});
