import { randomUUID } from 'node:crypto';
import { DecideSettlementCommand, EnterSettlementCommand } from '../src/settlement/settlement.commands';
import { RunMonthlyMatchCommand } from '../src/match/run-monthly-match.handler';
import { GetAssessmentQuery } from '../src/assessment/get-assessment.handler';
import { personId, principal, SubsidyDesk, subsidyDesk } from './subsidy-desk';

const clerk = principal('ca-clerk', 'civil-affairs');
const caChecker = principal('ca-checker', 'civil-affairs');
const mibClerk = principal('mib-clerk', 'mib');
const mibChecker = principal('mib-checker', 'mib');
const finance = principal('finance-1', 'finance');

describe('subsidy use cases (handlers and repositories against real Postgres, no HTTP)', () => {
  let desk: SubsidyDesk;
  const F = personId('411421', 6);
  const G = personId('411421', 7);

  const enter = (
    by: typeof mibClerk,
    results: { transferId: string; status: 'PAID' | 'FAILED'; failure?: string }[],
  ) =>
    desk.enter.execute(
      EnterSettlementCommand.create({ results, enteredBy: by.holder, enteredRole: by.role }),
    );
  const decision = (settlementId: string, by: typeof mibClerk) =>
    DecideSettlementCommand.create({ settlementId, checker: by.holder, checkerRole: by.role });
  const statuses = async () =>
    (await desk.ds.query(`SELECT id, status FROM subsidy.transfers ORDER BY id_number`)) as {
      id: string;
      status: string;
    }[];

  /** F and G certified minimum-living in Minquan, paid in full in October, matched: two transfers. */
  async function twoTransfers(): Promise<string[]> {
    const staged = await desk.stageRoster(clerk, 'CIVIL_AFFAIRS', '2023-10-01', [
      `${F},己,MINIMUM_LIVING,411421,,`,
      `${G},庚,MINIMUM_LIVING,411421,,`,
    ]);
    await desk.approveRoster.execute(desk.decideRoster(staged.view.uploadId, caChecker));
    await desk.enrol(F, '411421', '2023-10-16');
    await desk.enrol(G, '411421', '2023-10-17');
    const run = await desk.match.execute(
      RunMonthlyMatchCommand.create({ month: '2023-10', trigger: 'test' }),
    );
    expect(run.transfersCreated).toBe(2);
    return (await statuses()).map((t) => t.id);
  }

  beforeAll(async () => {
    desk = await subsidyDesk();
  });
  beforeEach(() => desk.reset());
  afterAll(async () => {
    await desk.ds.destroy();
  });

  it('records enrolment facts and assesses once: the same batch again publishes nothing', async () => {
    await desk.enrol(F, '411421');
    expect(await desk.outboxCount('subsidy.assessed')).toBe(1);
    expect(
      await desk.getAssessment.execute(GetAssessmentQuery.create({ idNumber: F, season: 2023 })),
    ).toMatchObject({ subsidyFen: 0, amountDueFen: 38000, identities: [] });
    await desk.enrol(F, '411421');
    // Observable, not a sleep: the outbox holds exactly what the handler published.
    expect(await desk.outboxCount('subsidy.assessed')).toBe(1);
  });

  it('roster maker-checker: nothing changes before a second person approves; the uploader may not', async () => {
    await desk.enrol(F, '411421');
    const staged = await desk.stageRoster(clerk, 'CIVIL_AFFAIRS', '2023-10-01', [
      `${F},己,MINIMUM_LIVING,411421,,`,
    ]);
    expect(staged.view).toMatchObject({ status: 'STAGED', rowsStaged: 1 });
    await expect(
      desk.approveRoster.execute(desk.decideRoster(staged.view.uploadId, clerk)),
    ).rejects.toMatchObject({
      code: 'SAME_PERSON',
      status: 403,
    });
    expect(await desk.outboxCount('subsidy.assessed')).toBe(1);
    const approved = await desk.approveRoster.execute(desk.decideRoster(staged.view.uploadId, caChecker));
    expect(approved).toMatchObject({ status: 'APPROVED', identitiesChangedFor: 1, reassessed: 1 });
    expect(await desk.outboxCount('subsidy.assessed')).toBe(2);
  });

  it('runs the monthly match once per person, and refuses a month not over', async () => {
    await twoTransfers();
    expect(await desk.outboxCount('subsidy.transfer.requested')).toBe(2);
    const again = await desk.match.execute(
      RunMonthlyMatchCommand.create({ month: '2023-10', trigger: 'test' }),
    );
    expect(again).toMatchObject({ transfersCreated: 0 });
    await expect(
      desk.match.execute(RunMonthlyMatchCommand.create({ month: '2023-12', trigger: 'test' })),
    ).rejects.toMatchObject({ code: 'MONTH_NOT_ENDED', status: 422 });
    expect(() => RunMonthlyMatchCommand.create({ month: '2023-13', trigger: 'test' })).toThrow(
      'month must be YYYY-MM',
    );
  });

  it('settlement maker-checker: pending until another holder of the role confirms; the maker and other roles are refused', async () => {
    const [f, g] = await twoTransfers();
    const entered = await enter(mibClerk, [
      { transferId: f, status: 'PAID' },
      { transferId: g, status: 'FAILED', failure: '账户已销户' },
      { transferId: randomUUID(), status: 'PAID' },
    ]);
    expect(entered).toMatchObject({ status: 'PENDING', results: 3, enteredBy: 'mib-clerk' });
    // Nothing applied while pending, and not by the maker nor by another role.
    await expect(desk.settle.execute(decision(entered.settlementId, mibClerk))).rejects.toMatchObject({
      code: 'SAME_HOLDER',
      status: 403,
    });
    await expect(desk.settle.execute(decision(entered.settlementId, finance))).rejects.toMatchObject({
      code: 'OTHER_ROLE',
      status: 403,
    });
    expect((await statuses()).map((t) => t.status)).toEqual(['REQUESTED', 'REQUESTED']);
    expect(await desk.outboxCount('subsidy.transfer.settled')).toBe(0);

    const confirmed = await desk.settle.execute(decision(entered.settlementId, mibChecker));
    expect(confirmed).toMatchObject({
      status: 'CONFIRMED',
      decidedBy: 'mib-checker',
      settled: 2,
      paid: 1,
      failed: 1,
      ignored: [expect.any(String)],
    });
    expect((await statuses()).map((t) => t.status).sort()).toEqual(['FAILED', 'PAID']);
    expect(await desk.outboxCount('subsidy.transfer.settled')).toBe(2);
    await expect(desk.settle.execute(decision(entered.settlementId, mibChecker))).rejects.toMatchObject({
      code: 'ALREADY_DECIDED',
      status: 409,
    });
  });

  it('a rejected settlement changes no transfer; two checkers racing apply it once', async () => {
    const [f, g] = await twoTransfers();
    const refused = await enter(mibClerk, [{ transferId: f, status: 'PAID' }]);
    expect(await desk.rejectSettlement.execute(decision(refused.settlementId, mibChecker))).toMatchObject({
      status: 'REJECTED',
    });
    expect((await statuses()).map((t) => t.status)).toEqual(['REQUESTED', 'REQUESTED']);

    const batch = await enter(mibClerk, [
      { transferId: f, status: 'PAID' },
      { transferId: g, status: 'PAID' },
    ]);
    const other = principal('mib-checker-2', 'mib');
    const outcomes = await Promise.allSettled([
      desk.settle.execute(decision(batch.settlementId, mibChecker)),
      desk.settle.execute(decision(batch.settlementId, other)),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: { code: 'ALREADY_DECIDED' },
    });
    expect(await desk.outboxCount('subsidy.transfer.settled')).toBe(2);
  });

  it('validates commands on creation', () => {
    expect(() => EnterSettlementCommand.create({ results: [], enteredBy: 'x', enteredRole: 'mib' })).toThrow(
      'results should not be empty',
    );
    expect(() => GetAssessmentQuery.create({ idNumber: '411421197202020001', season: 2023 })).toThrow();
  });
});
