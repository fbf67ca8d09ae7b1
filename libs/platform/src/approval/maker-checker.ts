import { DomainError } from '../errors/domain-error';
import { errorCodes } from '../errors/error-codes';

/** Where a maker's entry stands: waiting for a checker, or decided once and for all. */
export type ApprovalStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED';

/** What a checker may decide. */
export type Verdict = 'CONFIRMED' | 'REJECTED';

/** What a checker may not do to a maker's entry: shared by every maker-checker flow. */
export const MakerCheckerErrors = errorCodes({
  /** The entry was confirmed or rejected already. */
  ALREADY_DECIDED: 409,
  /** The holder who entered it tries to confirm or reject it. */
  SAME_HOLDER: 403,
  /** A holder of another role tries to decide on it. */
  OTHER_ROLE: 403,
});

/** What the rule reads of a maker's entry. */
export interface MakerEntry {
  /** How a refusal names the entry: `cancellation 3f2c…`, `settlement batch 9a1b…`. */
  label: string;
  status: string;
  enteredBy: string;
  /** The maker's full role: `mib`, `township:620725100` (so a township's checker is of the same township). */
  enteredRole: string;
}

/** The key holder deciding. */
export interface Checker {
  holder: string;
  role: string;
}

/** What the checker asks for, and when. */
export interface DecisionRequest {
  verdict: Verdict;
  at: Date;
  note?: string | null;
}

/** A checker's decision, as the entry records it. */
export interface ApprovalDecision {
  status: Verdict;
  by: string;
  at: Date;
  note: string | null;
}

export type DecideResult = { decision: ApprovalDecision } | { refusal: DomainError };

/**
 * The maker-checker rule, the one every flow applies: an entry still PENDING may be confirmed or
 * rejected by another holder of the role that entered it — never by its maker (whatever their role
 * now), never by another role, never twice. Pure: the caller has locked the entry, and records the
 * decision or answers with the refusal. A decided entry is reported as such before anything about
 * the holder, so a repeated decision reads `ALREADY_DECIDED` whoever sends it.
 */
export function decide(entry: MakerEntry, checker: Checker, request: DecisionRequest): DecideResult {
  if (entry.status !== 'PENDING')
    return {
      refusal: MakerCheckerErrors.ALREADY_DECIDED(`${entry.label} is already ${entry.status}`, {
        status: entry.status,
      }),
    };
  if (entry.enteredBy === checker.holder)
    return {
      refusal: MakerCheckerErrors.SAME_HOLDER(
        'the holder who entered this cannot confirm or reject it; another holder of the same role must',
      ),
    };
  if (entry.enteredRole !== checker.role)
    return {
      refusal: MakerCheckerErrors.OTHER_ROLE(`only another ${entry.enteredRole} holder may decide on this`),
    };
  return {
    decision: { status: request.verdict, by: checker.holder, at: request.at, note: request.note ?? null },
  };
}

/** `decide`, throwing the refusal: for use-case handlers, whose refusals the HTTP filter renders. */
export function decideOrRefuse(
  entry: MakerEntry,
  checker: Checker,
  request: DecisionRequest,
): ApprovalDecision {
  const r = decide(entry, checker, request);
  if ('refusal' in r) throw r.refusal;
  return r.decision;
}
