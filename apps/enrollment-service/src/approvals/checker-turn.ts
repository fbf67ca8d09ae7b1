import { EntityManager } from 'typeorm';
import { ApprovalDecision, assertAreaVisible, decideOrRefuse, DomainError, Verdict } from '@urrbmi/platform';
import { Approval, ApprovalKind, ApprovalRepository } from './approval.repository';
import { DecideApprovalCommand } from './decide-approval.command';

/** Which approvals a flow decides, how its refusals name one, and its 404. */
export interface ApprovalFlow {
  kind: ApprovalKind;
  label: string;
  notFound: (id: string) => DomainError;
}

/**
 * The checker's turn on an enrollment approval, the same for every kind: the entry locked for the
 * transaction (two checkers cannot both decide), out of sight outside the checker's area, and the
 * maker-checker rule (`decide`, libs/platform) applied. Returns the decision for the caller to act
 * on and record with `ApprovalRepository.decide`; throws the coded refusal otherwise.
 */
export async function lockForChecker<P, O>(
  approvals: ApprovalRepository,
  m: EntityManager,
  what: ApprovalFlow,
  cmd: DecideApprovalCommand,
  verdict: Verdict,
  at: Date,
): Promise<{ approval: Approval<P, O>; decision: ApprovalDecision }> {
  const approval = await approvals.find<P, O>(what.kind, cmd.approvalId, m, true);
  if (!approval) throw what.notFound(cmd.approvalId);
  assertAreaVisible(cmd.by, approval.townshipCode);
  const decision = decideOrRefuse({ ...approval, label: `${what.label} ${approval.id}` }, cmd.by, {
    verdict,
    at,
    note: cmd.note,
  });
  return { approval, decision };
}

/** `Reject…` of any kind: the checker refuses, nothing is applied; the approval as it now stands. */
export async function rejectApproval<P, O>(
  approvals: ApprovalRepository,
  m: EntityManager,
  what: ApprovalFlow,
  cmd: DecideApprovalCommand,
  at: Date,
): Promise<Approval<P, O>> {
  const { approval, decision } = await lockForChecker(approvals, m, what, cmd, 'REJECTED', at);
  await approvals.decide(m, approval.id, decision);
  return (await approvals.find<P, O>(what.kind, approval.id, m))!;
}

/** Who entered an approval and who decided what, as every view of one shows it. */
export function makerCheckerView(a: Approval) {
  return {
    enteredBy: a.enteredBy,
    enteredAt: a.enteredAt,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
    note: a.note,
  };
}
