import ExcelJS from 'exceljs';
import { fen, formatYuan, maskResidentId, toShanghaiIso } from '@urrbmi/domain';
import { PlanItem, RefundPlan } from './plans.repository';

/**
 * The plan as finance receives it (退费用款计划表): a sheet of totals by reason and township with the
 * grand total, and a sheet of every refund. ID numbers are masked; amounts are yuan text and fen.
 */
export async function planWorkbook(plan: RefundPlan, items: PlanItem[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.created = plan.submittedAt;
  const totals = wb.addWorksheet('汇总 Totals');
  totals.addRow(['退费用款计划 refund funding plan', plan.id]);
  totals.addRow(['报送 submitted', toShanghaiIso(plan.submittedAt), plan.submittedBy]);
  totals.addRow(['状态 state', plan.state, plan.fundingReference ?? '']);
  totals.addRow([]);
  totals.addRow([
    '退费原因 reason',
    '区县 region',
    '乡镇 township',
    '笔数 count',
    '金额(元) yuan',
    '金额(分) fen',
  ]);
  for (const t of plan.totals)
    totals.addRow([
      t.reason,
      t.regionCode,
      t.townshipCode ?? '',
      t.count,
      formatYuan(fen(t.amountFen)),
      t.amountFen,
    ]);
  totals.addRow(['合计 total', '', '', plan.refundCount, formatYuan(fen(plan.totalFen)), plan.totalFen]);
  const detail = wb.addWorksheet('明细 Refunds');
  detail.addRow([
    '退费编号 refund id',
    '完税凭证 voucher',
    '身份证号 ID number',
    '收款人 payee',
    '开户行 bank',
    '账号 account',
    '退费原因 reason',
    '乡镇 township',
    '金额(分) fen',
    '状态 state',
  ]);
  for (const i of items)
    detail.addRow([
      i.refundId,
      i.voucherNo,
      maskResidentId(i.idNumber),
      i.payeeName,
      i.payeeBank ?? '',
      i.payeeAccount,
      i.reason,
      i.townshipCode ?? '',
      i.amountFen,
      i.released ? `${i.state} (left this plan)` : i.state,
    ]);
  for (const ws of [totals, detail]) ws.columns.forEach((c) => (c.width = 22));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
