import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { isBusinessDate } from '@urrbmi/domain';
import { Clock } from '@urrbmi/platform';
import { mondayOf, weeksBehindRunning } from '@urrbmi/policy';
import { SeasonRegionQuery, visibleTo } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { AlertRepository } from '../alerts/alert.repository';
import { RankingCalculator } from './ranking-calculator';
import { RankingErrors } from './ranking.errors';

export class GetWeeklyRankingQuery extends SeasonRegionQuery {
  /** Any date of the week wanted; the last completed week by default. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'week must be a date YYYY-MM-DD' })
  week?: string;
}

export class RankingRow {
  @ApiProperty({ example: 1 }) rank!: number;
  @ApiProperty({ example: '341323100006' }) unitCode!: string;
  @ApiProperty({ example: '朱集村' }) unitName!: string;
  @ApiProperty({ example: 4723 }) quota!: number;
  @ApiProperty({ description: 'enrolled and paid at the end of the week' }) active!: number;
  @ApiProperty({ example: 0.5123 }) completionRate!: number;
  @ApiPropertyOptional({ nullable: true }) previousRank!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'previousRank − rank: positive moved up' })
  movement!: number | null;
  @ApiProperty({ description: 'behind this week per the policy rule' }) behind!: boolean;
  @ApiProperty({ description: 'consecutive weeks behind, this one included' }) weeksBehind!: number;
  @ApiProperty({ description: 'an alert was raised for the streak this unit is in' }) alerted!: boolean;
}

export class WeeklyRanking {
  @ApiProperty() season!: number;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ enum: ['TOWNSHIP', 'VILLAGE'] }) level!: string;
  @ApiProperty({ example: { from: '2023-11-20', to: '2023-11-26' } }) week!: { from: string; to: string };
  @ApiPropertyOptional({ nullable: true }) rule!: {
    behind: string;
    bottomN: number | null;
    consecutiveWeeks: number;
    action: string;
  } | null;
  @ApiProperty({ type: RankingRow, isArray: true }) rows!: RankingRow[];
}

/** 周排名: one completed week, ranked by completion, with movement since the week before. */
@Injectable()
export class GetWeeklyRankingHandler implements CommandHandler<GetWeeklyRankingQuery, WeeklyRanking> {
  constructor(
    private readonly calculator: RankingCalculator,
    private readonly alerts: AlertRepository,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetWeeklyRankingQuery): Promise<WeeklyRanking> {
    if (q.week && !isBusinessDate(q.week)) throw RankingErrors.BAD_QUERY('week must be a calendar date');
    const s = await this.calculator.season(q.season, q.region, this.clock.today());
    if (s.weeks.length === 0) throw RankingErrors.NO_COMPLETED_WEEK('no week of this season has ended yet');
    const index = q.week ? s.weeks.findIndex((w) => w.week.from === mondayOf(q.week!)) : s.weeks.length - 1;
    if (index < 0)
      throw RankingErrors.WEEK_NOT_RANKED(`the week of ${q.week} is not a completed week of the season`, {
        weeks: s.weeks.map((w) => w.week),
      });
    const current = s.weeks[index];
    const previous = index > 0 ? s.weeks[index - 1] : undefined;
    const names = new Map(s.units.map((u) => [u.unitCode, u.unitName]));
    const alerted = await this.alerts.rankedBehindSince(q.season, q.region);
    const behindByWeek = s.weeks.map((w) => w.behind);
    const rows = current.ranked.map((u): RankingRow => {
      const previousRank = previous?.ranked.find((p) => p.unitCode === u.unitCode)?.rank ?? null;
      const weeksBehind = weeksBehindRunning(behindByWeek, index, u.unitCode);
      const streakStart = weeksBehind > 0 ? s.weeks[index - weeksBehind + 1].week.from : null;
      return {
        rank: u.rank,
        unitCode: u.unitCode,
        unitName: names.get(u.unitCode) ?? u.unitCode,
        quota: u.quota,
        active: u.done,
        completionRate: u.completionRate,
        previousRank,
        movement: previousRank === null ? null : previousRank - u.rank,
        behind: current.behind.has(u.unitCode),
        weeksBehind,
        alerted: streakStart !== null && (alerted.get(u.unitCode) ?? []).includes(streakStart),
      };
    });
    return {
      season: q.season,
      regionCode: q.region,
      level: s.level,
      week: current.week,
      rule: s.rule
        ? {
            behind: s.rule.behind,
            bottomN: s.rule.behind === 'BOTTOM_N' ? (s.rule.bottomN ?? null) : null,
            consecutiveWeeks: s.rule.consecutiveWeeks,
            action: s.rule.action,
          }
        : null,
      rows: rows.filter((r) => visibleTo(q.principal, r.unitCode)),
    };
  }
}
