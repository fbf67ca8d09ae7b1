import { Injectable } from '@nestjs/common';
import { addDays, BusinessDate } from '@urrbmi/domain';
import {
  behindUnits,
  completedWeeks,
  PolicyRegistry,
  RankedUnit,
  rankByCompletion,
  RankingRule,
  RegionSeasonPolicy,
  SupervisionWeek,
} from '@urrbmi/policy';
import { PersonStateRepository } from '../facts/person-state.repository';
import { QuotaRepository, QuotaUnit } from '../quotas/quota.repository';
import { ReportingSettings } from '../shared/reporting-settings';
import { RankingErrors } from './ranking.errors';

export interface WeekRanking {
  week: SupervisionWeek;
  ranked: RankedUnit[];
  behind: Set<string>;
}

export interface SeasonRankings {
  policy: RegionSeasonPolicy;
  level: 'TOWNSHIP' | 'VILLAGE';
  rule: RankingRule | null;
  units: QuotaUnit[];
  weeks: WeekRanking[];
}

/** The instant a Shanghai date ends (00:00 the next day), as an ISO string for the fact queries. */
export function endOfDay(date: BusinessDate): string {
  return `${addDays(date, 1)}T00:00:00+08:00`;
}

/**
 * Every completed week of a county-season ranked, from the facts as of each week's end: the same
 * figures whenever and however often they are computed, and after a rebuild.
 */
@Injectable()
export class RankingCalculator {
  constructor(
    private readonly persons: PersonStateRepository,
    private readonly quotas: QuotaRepository,
    private readonly policies: PolicyRegistry,
    private readonly settings: ReportingSettings,
  ) {}

  async season(season: number, regionCode: string, today: BusinessDate): Promise<SeasonRankings> {
    const policy = this.policies.find(regionCode, season);
    if (!policy) throw RankingErrors.NO_POLICY(`no policy for region ${regionCode} season ${season}`);
    const rule = policy.supervision.ranking;
    const level = rule?.unit ?? 'TOWNSHIP';
    const units = (await this.quotas.units(season, regionCode)).filter((u) => u.level === level);
    if (units.length === 0)
      throw RankingErrors.NO_QUOTA(
        `no ${level.toLowerCase()} quotas for region ${regionCode} season ${season}: import them with POST /v1/quotas`,
      );
    const from = policy.collectionWindow.from ?? (await this.persons.firstActivity(season, regionCode));
    const weeks = from ? completedWeeks(from, policy.collectionWindow.to, today) : [];
    const ranked: WeekRanking[] = [];
    const doneByWeek = await this.persons.activeAt(
      season,
      regionCode,
      weeks.map((w) => endOfDay(w.to)),
    );
    for (const [i, week] of weeks.entries()) {
      const done = doneByWeek[i];
      const r = rankByCompletion(
        units.map((u) => ({ unitCode: u.unitCode, quota: u.quota, done: done.get(u.unitCode) ?? 0 })),
      );
      ranked.push({
        week,
        ranked: r,
        behind: rule ? behindUnits(r, rule, this.settings.REPORTING_BEHIND_BOTTOM_N) : new Set(),
      });
    }
    return { policy, level, rule, units, weeks: ranked };
  }

  /** Enrolled and paid per township and village as of `asOf` (an ISO instant, or 'infinity'). */
  async doneBy(season: number, regionCode: string, asOf: string): Promise<Map<string, number>> {
    const [done] = await this.persons.activeAt(season, regionCode, [asOf]);
    return done;
  }
}
