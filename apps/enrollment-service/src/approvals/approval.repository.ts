import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ApprovalDecision,
  MAKER_CHECKER_COLUMNS,
  MakerCheckerRecord,
  makerCheckerRecord,
  MakerCheckerRow,
  recordDecision,
} from '@urrbmi/platform';

export type ApprovalKind = 'CANCEL_PAID_ENROLMENT' | 'EMPLOYEE_INSURED_LIST' | 'DEATH_LIST';

/** An action entered by one key holder, waiting for another of the same role (maker-checker). */
export interface Approval<P = unknown, O = unknown> extends MakerCheckerRecord<O> {
  id: string;
  kind: ApprovalKind;
  enrollmentId: string | null;
  townshipCode: string | null;
  payload: P;
}

interface ApprovalRow extends MakerCheckerRow {
  id: string;
  kind: ApprovalKind;
  enrollment_id: string | null;
  township_code: string | null;
  payload: unknown;
}

const TABLE = 'enrollment.approvals';
const COLUMNS = `id, kind, enrollment_id, township_code, payload, ${MAKER_CHECKER_COLUMNS}`;

function toApproval<P, O>(r: ApprovalRow): Approval<P, O> {
  return {
    id: r.id,
    kind: r.kind,
    enrollmentId: r.enrollment_id,
    townshipCode: r.township_code,
    payload: r.payload as P,
    ...makerCheckerRecord<O>(r),
  };
}

/** Pending maker-checker actions of enrollment-service and their decisions. */
@Injectable()
export class ApprovalRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a PENDING action; false when one is already pending for the same enrolment. */
  async create(
    m: EntityManager,
    a: Pick<
      Approval,
      'id' | 'kind' | 'enrollmentId' | 'townshipCode' | 'payload' | 'enteredBy' | 'enteredRole' | 'enteredAt'
    >,
  ): Promise<boolean> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO enrollment.approvals (id, kind, status, enrollment_id, township_code, payload, entered_by, entered_role, entered_at)
       VALUES ($1, $2, 'PENDING', $3, $4, $5::jsonb, $6, $7, $8)
       ON CONFLICT (enrollment_id) WHERE status = 'PENDING' AND kind = 'CANCEL_PAID_ENROLMENT' DO NOTHING RETURNING id`,
      [
        a.id,
        a.kind,
        a.enrollmentId,
        a.townshipCode,
        JSON.stringify(a.payload),
        a.enteredBy,
        a.enteredRole,
        a.enteredAt,
      ],
    );
    return rows.length === 1;
  }

  /** An action of a kind; with `lock`, held for the transaction so two checkers cannot both decide. */
  async find<P, O>(
    kind: ApprovalKind,
    id: string,
    m?: EntityManager,
    lock = false,
  ): Promise<Approval<P, O> | undefined> {
    const [r]: ApprovalRow[] = await (m ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM enrollment.approvals WHERE id = $1 AND kind = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [id, kind],
    );
    return r ? toApproval<P, O>(r) : undefined;
  }

  /** The cancellation waiting for this enrolment, if any. */
  async pendingFor(m: EntityManager, enrollmentId: string): Promise<Approval | undefined> {
    const [r]: ApprovalRow[] = await m.query(
      `SELECT ${COLUMNS} FROM enrollment.approvals
        WHERE enrollment_id = $1 AND status = 'PENDING' AND kind = 'CANCEL_PAID_ENROLMENT'`,
      [enrollmentId],
    );
    return r ? toApproval(r) : undefined;
  }

  /** Records the checker's decision (see `decide` in libs/platform) and what confirming did. */
  decide(m: EntityManager, id: string, d: ApprovalDecision, outcome: unknown = null): Promise<void> {
    return recordDecision(m, TABLE, id, d, outcome);
  }

  /** Actions of a kind waiting for a checker, oldest first; a township sees its own area's only. */
  async pending(kind: ApprovalKind, townshipCode: string | null, limit = 200): Promise<Approval[]> {
    const rows: ApprovalRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM enrollment.approvals
        WHERE kind = $1 AND status = 'PENDING' AND ($2::text IS NULL OR township_code = $2)
        ORDER BY entered_at LIMIT $3`,
      [kind, townshipCode, limit],
    );
    return rows.map((r) => toApproval(r));
  }
}
