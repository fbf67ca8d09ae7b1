import { RefundPlanTotal } from '@urrbmi/contracts';
import { Refund } from '../refunds/refund.model';

/** A plan's totals by reason and township (退费用款计划汇总), in a stable order, and the grand total. */
export function planTotals(refunds: Pick<Refund, 'reason' | 'regionCode' | 'townshipCode' | 'amountFen'>[]): {
  totalFen: number;
  totals: RefundPlanTotal[];
} {
  const lines = new Map<string, RefundPlanTotal>();
  for (const r of refunds) {
    const key = `${r.reason}|${r.regionCode}|${r.townshipCode ?? ''}`;
    const line = lines.get(key) ?? {
      reason: r.reason,
      regionCode: r.regionCode!,
      ...(r.townshipCode ? { townshipCode: r.townshipCode } : {}),
      count: 0,
      amountFen: 0,
    };
    line.count += 1;
    line.amountFen += r.amountFen;
    lines.set(key, line);
  }
  const totals = [...lines.values()].sort(
    (a, b) =>
      a.reason.localeCompare(b.reason) ||
      a.regionCode.localeCompare(b.regionCode) ||
      (a.townshipCode ?? '').localeCompare(b.townshipCode ?? ''),
  );
  return { totalFen: totals.reduce((s, t) => s + t.amountFen, 0), totals };
}
