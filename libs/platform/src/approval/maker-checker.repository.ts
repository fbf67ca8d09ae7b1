import { EntityManager } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';
import { ApprovalDecision, ApprovalStatus } from './maker-checker';

/**
 * The columns every service's maker-checker table has besides its own (`enrollment.approvals`,
 * `subsidy.settlement_batches`): the tables stay per service, their maker-checker part is one shape.
 */
export const MAKER_CHECKER_COLUMNS =
  'status, entered_by, entered_role, entered_at, decided_by, decided_at, note, outcome';

export interface MakerCheckerRow {
  status: ApprovalStatus;
  entered_by: string;
  entered_role: string;
  entered_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
  outcome: unknown;
}

/** The maker-checker part of an entry: who entered it, and who decided what. */
export interface MakerCheckerRecord<O> {
  status: ApprovalStatus;
  enteredBy: string;
  enteredRole: string;
  enteredAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  note: string | null;
  /** What confirming it did, when the flow records that. */
  outcome: O | null;
}

export function makerCheckerRecord<O>(r: MakerCheckerRow): MakerCheckerRecord<O> {
  return {
    status: r.status,
    enteredBy: r.entered_by,
    enteredRole: r.entered_role,
    enteredAt: r.entered_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    note: r.note,
    outcome: (r.outcome as O) ?? null,
  };
}

/**
 * Records a checker's decision (from `decide`) on an entry still PENDING, whose row the caller holds
 * locked. `table` is the calling repository's own `schema.table`, never input.
 */
export async function recordDecision(
  m: EntityManager,
  table: string,
  id: string,
  d: ApprovalDecision,
  outcome: unknown = null,
): Promise<void> {
  const [schema, name] = table.split('.');
  await m.query(
    `UPDATE ${assertIdentifier(schema)}.${assertIdentifier(name ?? '')} SET status = $2, decided_by = $3, decided_at = $4, note = $5, outcome = $6::jsonb
      WHERE id = $1 AND status = 'PENDING'`,
    [id, d.status, d.by, d.at, d.note, outcome === null ? null : JSON.stringify(outcome)],
  );
}
