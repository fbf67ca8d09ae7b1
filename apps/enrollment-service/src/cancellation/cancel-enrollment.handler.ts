import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CancelReason } from '@urrbmi/contracts';
import { inTransaction } from '@urrbmi/persistence';
import { assertAreaVisible, Clock, Principal } from '@urrbmi/platform';
import { Approval, ApprovalRepository } from '../approvals/approval.repository';
import { EnrollmentRecord, EnrollmentRepository } from '../standing/enrollment.repository';
import { DecideApprovalCommand } from '../approvals/decide-approval.command';
import { lockForChecker, makerCheckerView, rejectApproval } from '../approvals/checker-turn';
import { CancelEnrollmentCommand } from './cancel-enrollment.command';
import { CancellationErrors } from './cancellation.errors';
import { EnrolmentCancellation } from './enrolment-cancellation';

/** What a pending cancellation carries from the maker to the checker. */
interface CancellationRequest {
  reason: CancelReason;
  effectiveDate: string;
  paidFen: number;
}

/** A cancellation as callers see it. */
export function cancellationView(a: Approval<CancellationRequest>) {
  return {
    cancellationId: a.id,
    enrollmentId: a.enrollmentId,
    status: a.status === 'PENDING' ? 'PENDING_CONFIRMATION' : a.status,
    reason: a.payload.reason,
    effectiveDate: a.payload.effectiveDate,
    paidFen: a.payload.paidFen,
    ...makerCheckerView(a),
  };
}

/** Who paid nothing can be cancelled in one step; money paid needs a second holder (maker-checker). */
export function isPaid(e: EnrollmentRecord): boolean {
  return e.paidFen > 0;
}

async function liveEnrolment(
  enrollments: EnrollmentRepository,
  m: EntityManager,
  id: string,
  by: Principal,
): Promise<EnrollmentRecord> {
  const e = await enrollments.findById(m, id, true);
  if (!e) throw CancellationErrors.ENROLMENT_NOT_FOUND(`no enrolment ${id}`);
  assertAreaVisible(by, e.townshipCode);
  if (e.status === 'CANCELLED' || e.status === 'REFUNDED')
    throw CancellationErrors.ALREADY_CANCELLED(`enrolment ${id} is already cancelled`);
  return e;
}

/**
 * `CancelEnrollment` (注销登记: transfer out, death, switch to employee insurance). An enrolment with
 * nothing paid is cancelled at once; a paid one is entered PENDING_CONFIRMATION (nothing changes)
 * until another holder of the same role confirms it.
 */
@Injectable()
export class CancelEnrollmentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly enrollments: EnrollmentRepository,
    private readonly approvals: ApprovalRepository,
    private readonly cancellation: EnrolmentCancellation,
    private readonly clock: Clock,
  ) {}

  execute(cmd: CancelEnrollmentCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const e = await liveEnrolment(this.enrollments, m, cmd.enrollmentId, cmd.by);
      const effectiveDate = cmd.effectiveDate ?? this.clock.today();
      if (!isPaid(e)) {
        await this.cancellation.apply(
          m,
          [{ enrolment: e, reason: cmd.reason, effectiveDate }],
          cmd.by.holder,
        );
        return {
          pending: false,
          view: {
            enrollmentId: e.id,
            status: 'CANCELLED',
            reason: cmd.reason,
            effectiveDate,
            paidFen: e.paidFen,
          },
        };
      }
      const id = randomUUID();
      const request: CancellationRequest = { reason: cmd.reason, effectiveDate, paidFen: e.paidFen };
      const created = await this.approvals.create(m, {
        id,
        kind: 'CANCEL_PAID_ENROLMENT',
        enrollmentId: e.id,
        townshipCode: e.townshipCode,
        payload: request,
        enteredBy: cmd.by.holder,
        enteredRole: cmd.by.role,
        enteredAt: this.clock.now(),
      });
      if (!created) {
        const waiting = await this.approvals.pendingFor(m, e.id);
        throw CancellationErrors.CANCELLATION_PENDING(
          `a cancellation of enrolment ${e.id} already waits for confirmation`,
          { cancellationId: waiting?.id },
        );
      }
      return {
        pending: true,
        view: cancellationView(
          (await this.approvals.find<CancellationRequest, never>('CANCEL_PAID_ENROLMENT', id, m))!,
        ),
      };
    });
  }
}

const CANCELLATION = {
  kind: 'CANCEL_PAID_ENROLMENT',
  label: 'cancellation',
  notFound: (id: string) => CancellationErrors.CANCELLATION_NOT_FOUND(`no cancellation ${id}`),
} as const;

/** `ConfirmCancellation`: another holder of the maker's role confirms; the paid enrolment is cancelled. */
@Injectable()
export class ConfirmCancellationHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly enrollments: EnrollmentRepository,
    private readonly approvals: ApprovalRepository,
    private readonly cancellation: EnrolmentCancellation,
    private readonly clock: Clock,
  ) {}

  execute(cmd: DecideApprovalCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const { approval: a, decision } = await lockForChecker<CancellationRequest, never>(
        this.approvals,
        m,
        CANCELLATION,
        cmd,
        'CONFIRMED',
        this.clock.now(),
      );
      const e = await liveEnrolment(this.enrollments, m, a.enrollmentId!, cmd.by);
      const { reason, effectiveDate } = a.payload;
      await this.cancellation.apply(
        m,
        [{ enrolment: e, reason, effectiveDate, details: { enteredBy: a.enteredBy } }],
        cmd.by.holder,
      );
      await this.approvals.decide(m, a.id, decision);
      return {
        cancellationId: a.id,
        enrollmentId: e.id,
        status: 'CANCELLED',
        reason,
        effectiveDate,
        paidFen: e.paidFen,
        enteredBy: a.enteredBy,
        confirmedBy: cmd.by.holder,
      };
    });
  }
}

/** `RejectCancellation`: the checker refuses; the enrolment stays as it is. */
@Injectable()
export class RejectCancellationHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
    private readonly clock: Clock,
  ) {}

  execute(cmd: DecideApprovalCommand) {
    return inTransaction(this.dataSource, async (m) =>
      cancellationView(
        await rejectApproval<CancellationRequest, never>(
          this.approvals,
          m,
          CANCELLATION,
          cmd,
          this.clock.now(),
        ),
      ),
    );
  }
}

/** `GetCancellation` / pending cancellations: what waits for a checker (a township sees its own area). */
@Injectable()
export class CancellationQueries {
  constructor(private readonly approvals: ApprovalRepository) {}

  async get(id: string, by: Principal) {
    const a = await this.approvals.find<CancellationRequest, never>('CANCEL_PAID_ENROLMENT', id);
    if (!a) throw CancellationErrors.CANCELLATION_NOT_FOUND(`no cancellation ${id}`);
    assertAreaVisible(by, a.townshipCode);
    return cancellationView(a);
  }

  async pending(by: Principal) {
    const township = by.baseRole === 'township' ? (by.townshipCode ?? '') : null;
    const list = await this.approvals.pending('CANCEL_PAID_ENROLMENT', township);
    return { pending: list.map((a) => cancellationView(a as Approval<CancellationRequest>)) };
  }
}
