import { Injectable, NotFoundException } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import { Command } from '@urrbmi/platform';
import { planView } from './plan-view';
import { planWorkbook } from './plan-workbook';
import { PlansRepository } from './plans.repository';

export class RefundPlanQuery extends Command {
  @IsUUID()
  planId!: string;
}

/** One plan with its lines, as JSON or as the XLSX finance receives. */
@Injectable()
export class PlanQueries {
  constructor(private readonly plans: PlansRepository) {}

  private async load(q: RefundPlanQuery) {
    const plan = await this.plans.get(q.planId);
    if (!plan) throw new NotFoundException(`no refund plan ${q.planId}`);
    return { plan, items: await this.plans.items(q.planId) };
  }

  async get(q: RefundPlanQuery) {
    const { plan, items } = await this.load(q);
    return { ...planView(plan), refunds: items };
  }

  async workbook(q: RefundPlanQuery): Promise<Buffer> {
    const { plan, items } = await this.load(q);
    return planWorkbook(plan, items);
  }
}
