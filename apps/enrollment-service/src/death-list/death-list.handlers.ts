import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { AreaScope, Clock, errorCodes, Principal } from '@urrbmi/platform';
import { Approval, ApprovalRepository } from '../approvals/approval.repository';
import { lockForChecker, makerCheckerView, rejectApproval } from '../approvals/checker-turn';
import { DecideApprovalCommand } from '../approvals/decide-approval.command';
import { BatchRecord, BatchRepository } from '../batch/batch.repository';
import { EnrolmentCancellation } from '../cancellation/enrolment-cancellation';
import { EnrollmentRepository } from '../standing/enrollment.repository';
import { DeathListRepository } from './death-list.repository';

/** Refusals of death lists (a checker's refusals are the shared `MakerCheckerErrors`). */
export const DeathListErrors = errorCodes({
  /** No batch of that id in the caller's area. */
  BATCH_NOT_FOUND: 404,
  /** A finished DEATHS batch without a death list: applied at once, before death lists waited for a checker. */
  DEATH_LIST_NOT_FOUND: 404,
  /** A registrations batch: nothing to confirm. */
  NOT_A_DEATH_LIST: 409,
  /** The batch is still being processed (or FAILED half-way): its list is not complete yet. */
  DEATH_LIST_NOT_READY: 409,
});

interface DeathListPayload {
  /** Rows held: each cancels its enrolment once confirmed. */
  held: number;
}

interface DeathListOutcome {
  cancelled: number;
  /** Held enrolments cancelled some other way before the confirmation: left as they are. */
  noLongerLive: number;
}

type DeathList = Approval<DeathListPayload, DeathListOutcome>;

/** Rows of held cancellations applied per statement when a list is confirmed. */
const PAGE = 2000;

/** A death list as callers see it (no ID numbers: the maker has the file, the checker the counts). */
export function deathListView(a: DeathList) {
  return {
    batchId: a.id,
    status: a.status === 'PENDING' ? 'PENDING_CONFIRMATION' : a.status,
    held: a.payload.held,
    ...makerCheckerView(a),
    ...(a.outcome ?? {}),
  };
}

const find = (approvals: ApprovalRepository, id: string, m?: EntityManager) =>
  approvals.find<DeathListPayload, DeathListOutcome>('DEATH_LIST', id, m);

/**
 * `EnterDeathList` (maker): when a DEATHS batch finishes, in its last chunk's transaction, the rows
 * it holds wait, PENDING, for another holder of the submitter's role (a township: of the same
 * township). The list's id is the batch's.
 */
@Injectable()
export class EnterDeathList {
  constructor(
    private readonly approvals: ApprovalRepository,
    private readonly deathLists: DeathListRepository,
    private readonly clock: Clock,
  ) {}

  async execute(m: EntityManager, batch: BatchRecord): Promise<void> {
    const payload: DeathListPayload = { held: await this.deathLists.count(m, batch.id) };
    await this.approvals.create(m, {
      id: batch.id,
      kind: 'DEATH_LIST',
      enrollmentId: null,
      townshipCode: AreaScope.ofRole(batch.submitterRole).sqlTownship,
      payload,
      enteredBy: batch.submittedBy,
      enteredRole: batch.submitterRole,
      enteredAt: this.clock.now(),
    });
  }
}

/** The checker's death list: its batch in the checker's area (else 404, as on every batch route). */
async function deathListOf(batches: BatchRepository, cmd: DecideApprovalCommand) {
  const batch = await batches.find(cmd.approvalId, AreaScope.of(cmd.by));
  if (!batch) throw DeathListErrors.BATCH_NOT_FOUND(`no batch ${cmd.approvalId}`);
  if (batch.batchType !== 'DEATHS')
    throw DeathListErrors.NOT_A_DEATH_LIST(`batch ${batch.id} is a registrations batch: nothing to confirm`);
  return {
    kind: 'DEATH_LIST',
    label: 'death list',
    notFound: (id: string) =>
      batch.status === 'DONE'
        ? DeathListErrors.DEATH_LIST_NOT_FOUND(
            `batch ${id} holds no death list: it was applied before death lists waited for a checker`,
          )
        : DeathListErrors.DEATH_LIST_NOT_READY(
            `batch ${id} is ${batch.status}: its death list can be decided once the batch is DONE`,
            { status: batch.status },
          ),
  } as const;
}

/**
 * `ConfirmDeathList` (checker): every enrolment the list holds that is still live is cancelled
 * through the one `CancelEnrollment` (reason DEATH from the date of death, `enrollment.cancelled` and
 * `enrollment.standing` correlated with the batch); one cancelled some other way meanwhile is left
 * as it is. Once, in one transaction: a second confirmation is 409 ALREADY_DECIDED.
 */
@Injectable()
export class ConfirmDeathListHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: BatchRepository,
    private readonly approvals: ApprovalRepository,
    private readonly deathLists: DeathListRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly cancellation: EnrolmentCancellation,
    private readonly clock: Clock,
  ) {}

  async execute(cmd: DecideApprovalCommand) {
    const list = await deathListOf(this.batches, cmd);
    return inTransaction(this.dataSource, async (m) => {
      const { approval: a, decision } = await lockForChecker<DeathListPayload, DeathListOutcome>(
        this.approvals,
        m,
        list,
        cmd,
        'CONFIRMED',
        this.clock.now(),
      );
      let cancelled = 0;
      for (let after = 0; ;) {
        const page = await this.deathLists.page(m, a.id, after, PAGE);
        if (page.length === 0) break;
        const held = new Map(page.map((h) => [h.enrollmentId, h]));
        // Locked again, and only the very enrolments held: a later re-registration is not this list's.
        const live = (await this.enrollments.lockLive(m, page)).filter((e) => held.has(e.id));
        await this.cancellation.apply(
          m,
          live.map((e) => ({
            enrolment: e,
            reason: 'DEATH' as const,
            effectiveDate: held.get(e.id)!.dateOfDeath,
            details: { batchId: a.id, enteredBy: a.enteredBy },
          })),
          cmd.by.holder,
          a.id,
        );
        cancelled += live.length;
        after = page[page.length - 1].line;
      }
      const outcome: DeathListOutcome = { cancelled, noLongerLive: a.payload.held - cancelled };
      await this.approvals.decide(m, a.id, decision, outcome);
      return deathListView((await find(this.approvals, a.id, m))!);
    });
  }
}

/** `RejectDeathList` (checker): nothing is cancelled; the enrolments stay as they are. */
@Injectable()
export class RejectDeathListHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: BatchRepository,
    private readonly approvals: ApprovalRepository,
    private readonly clock: Clock,
  ) {}

  async execute(cmd: DecideApprovalCommand) {
    const list = await deathListOf(this.batches, cmd);
    return inTransaction(this.dataSource, async (m) =>
      deathListView(
        await rejectApproval<DeathListPayload, DeathListOutcome>(
          this.approvals,
          m,
          list,
          cmd,
          this.clock.now(),
        ),
      ),
    );
  }
}

/** Death lists waiting for a checker (a township: its own area's), and a batch's list. */
@Injectable()
export class DeathListQueries {
  constructor(private readonly approvals: ApprovalRepository) {}

  async pending(by: Principal) {
    const list = await this.approvals.pending('DEATH_LIST', AreaScope.of(by).sqlTownship);
    return { pending: list.map((a) => deathListView(a as DeathList)) };
  }

  /** The death list of a DEATHS batch: null until the batch is DONE. */
  async ofBatch(batch: BatchRecord) {
    if (batch.batchType !== 'DEATHS') return {};
    const a = await find(this.approvals, batch.id);
    return { deathList: a ? deathListView(a) : null };
  }
}
