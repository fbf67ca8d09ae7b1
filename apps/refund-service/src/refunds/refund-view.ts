import { toShanghaiIso } from '@urrbmi/domain';
import { Refund, RefundTransition } from './refund.model';
import { allowedCommands } from './refund-state-machine';

/** A refund as the API shows it; with its transitions when they were read. */
export function refundView(r: Refund, transitions?: RefundTransition[]) {
  return {
    refundId: r.id,
    voucherNo: r.voucherNo,
    idNumber: r.idNumber,
    amountFen: r.amountFen,
    reason: r.reason,
    payee: { name: r.payeeName, bank: r.payeeBank, account: r.payeeAccount },
    note: r.note,
    state: r.state,
    next: allowedCommands(r.state),
    season: r.season,
    regionCode: r.regionCode,
    townshipCode: r.townshipCode,
    precheck: r.precheck,
    enteredBy: r.enteredBy,
    enteredAt: toShanghaiIso(r.enteredAt),
    enteredOn: r.enteredOn,
    planId: r.planId,
    ...(transitions
      ? {
          transitions: transitions.map((t) => ({
            from: t.from,
            to: t.to,
            command: t.command,
            by: t.actor,
            at: toShanghaiIso(t.at),
            reason: t.reason,
            details: t.details,
          })),
        }
      : {}),
  };
}
export type RefundView = ReturnType<typeof refundView>;
