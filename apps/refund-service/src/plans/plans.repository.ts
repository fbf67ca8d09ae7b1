import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RefundPlanTotal } from '@urrbmi/contracts';
import { Refund } from '../refunds/refund.model';
import { PlanState } from '../refunds/refund-state-machine';

export interface RefundPlan {
  id: string;
  state: PlanState;
  refundCount: number;
  totalFen: number;
  totals: RefundPlanTotal[];
  note: string | null;
  submittedBy: string;
  submittedAt: Date;
  fundedBy: string | null;
  fundedAt: Date | null;
  fundedAmountFen: number | null;
  fundingReference: string | null;
}

export interface PlanItem {
  refundId: string;
  voucherNo: string;
  idNumber: string;
  payeeName: string;
  payeeBank: string | null;
  payeeAccount: string;
  amountFen: number;
  reason: string;
  regionCode: string;
  townshipCode: string | null;
  state: string;
  released: boolean;
}

function toPlan(r: Record<string, unknown>): RefundPlan {
  return {
    id: r.id as string,
    state: r.state as PlanState,
    refundCount: r.refund_count as number,
    totalFen: Number(r.total_fen),
    totals: r.totals as RefundPlanTotal[],
    note: (r.note as string) ?? null,
    submittedBy: r.submitted_by as string,
    submittedAt: r.submitted_at as Date,
    fundedBy: (r.funded_by as string) ?? null,
    fundedAt: (r.funded_at as Date) ?? null,
    fundedAmountFen: r.funded_amount_fen === null ? null : Number(r.funded_amount_fen),
    fundingReference: (r.funding_reference as string) ?? null,
  };
}

/** Every statement about refund funding plans (退费用款计划) and their lines. */
@Injectable()
export class PlansRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(m: EntityManager, plan: RefundPlan, refunds: Refund[]): Promise<void> {
    await m.query(
      `INSERT INTO refund.refund_plans (id, state, refund_count, total_fen, totals, note, submitted_by, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        plan.id,
        plan.state,
        plan.refundCount,
        plan.totalFen,
        JSON.stringify(plan.totals),
        plan.note,
        plan.submittedBy,
        plan.submittedAt,
      ],
    );
    await m.query(
      `INSERT INTO refund.refund_plan_items (plan_id, refund_id, amount_fen, reason, region_code, township_code)
       SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[])`,
      [
        plan.id,
        refunds.map((r) => r.id),
        refunds.map((r) => r.amountFen),
        refunds.map((r) => r.reason),
        refunds.map((r) => r.regionCode),
        refunds.map((r) => r.townshipCode),
      ],
    );
  }

  async lock(m: EntityManager, id: string): Promise<RefundPlan | undefined> {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT * FROM refund.refund_plans WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ? toPlan(rows[0]) : undefined;
  }

  async get(id: string): Promise<RefundPlan | undefined> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM refund.refund_plans WHERE id = $1`,
      [id],
    );
    return rows[0] ? toPlan(rows[0]) : undefined;
  }

  async markFunded(m: EntityManager, id: string, by: string, at: Date, amountFen: number, reference: string) {
    await m.query(
      `UPDATE refund.refund_plans SET state = 'FUNDED', funded_by = $2, funded_at = $3, funded_amount_fen = $4, funding_reference = $5
        WHERE id = $1`,
      [id, by, at, amountFen, reference],
    );
  }

  /** Ids of the refunds currently in the plan (not released by a failed payout). */
  async currentRefundIds(m: EntityManager, planId: string): Promise<string[]> {
    const rows: { refund_id: string }[] = await m.query(
      `SELECT refund_id FROM refund.refund_plan_items WHERE plan_id = $1 AND released_at IS NULL ORDER BY refund_id`,
      [planId],
    );
    return rows.map((r) => r.refund_id);
  }

  /** A failed payout leaves its plan, so a later plan may take it again. */
  async release(m: EntityManager, refundId: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE refund.refund_plan_items SET released_at = $2 WHERE refund_id = $1 AND released_at IS NULL`,
      [refundId, at],
    );
  }

  async items(planId: string): Promise<PlanItem[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT i.refund_id, r.voucher_no, r.id_number, r.payee_name, r.payee_bank, r.payee_account, i.amount_fen,
              i.reason, i.region_code, i.township_code, r.state, i.released_at IS NOT NULL AS released
         FROM refund.refund_plan_items i JOIN refund.refunds r ON r.id = i.refund_id
        WHERE i.plan_id = $1 ORDER BY i.township_code NULLS LAST, i.reason, r.voucher_no`,
      [planId],
    );
    return rows.map((r) => ({
      refundId: r.refund_id as string,
      voucherNo: r.voucher_no as string,
      idNumber: r.id_number as string,
      payeeName: r.payee_name as string,
      payeeBank: (r.payee_bank as string) ?? null,
      payeeAccount: r.payee_account as string,
      amountFen: r.amount_fen as number,
      reason: r.reason as string,
      regionCode: r.region_code as string,
      townshipCode: (r.township_code as string) ?? null,
      state: r.state as string,
      released: r.released as boolean,
    }));
  }
}
