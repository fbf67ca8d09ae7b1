import { Injectable } from '@nestjs/common';
import { Clock } from '@urrbmi/platform';
import { checkMilestones, MilestoneCheck } from '@urrbmi/policy';
import { SeasonRegionQuery, visibleTo } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { endOfDay, RankingCalculator } from './ranking-calculator';

export class GetMilestonesQuery extends SeasonRegionQuery {}

export interface UnitMilestones {
  unitCode: string;
  unitName: string;
  quota: number;
  milestones: MilestoneCheck[];
}

/** Each unit against the policy's milestones (MQ: 80% of the quota by 30 November, the rest by 31 December). */
@Injectable()
export class GetMilestonesHandler implements CommandHandler<GetMilestonesQuery, UnitMilestones[]> {
  constructor(
    private readonly calculator: RankingCalculator,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetMilestonesQuery): Promise<UnitMilestones[]> {
    const today = this.clock.today();
    const s = await this.calculator.season(q.season, q.region, today);
    const doneByDate = new Map<string, Map<string, number>>();
    for (const m of s.policy.supervision.milestones) {
      // Before the date, the figure so far; after it, the figure at the end of that day.
      const asOf = m.by < today ? endOfDay(m.by) : 'infinity';
      doneByDate.set(m.by, await this.calculator.doneBy(q.season, q.region, asOf));
    }
    return s.units
      .filter((u) => visibleTo(q.principal, u.unitCode))
      .map((u) => ({
        unitCode: u.unitCode,
        unitName: u.unitName,
        quota: u.quota,
        milestones: checkMilestones(s.policy, u.quota, (d) => doneByDate.get(d)?.get(u.unitCode) ?? 0, today),
      }));
  }
}
