import { addDays, BusinessDate, daysBetween } from '@urrbmi/domain';
import { RankingRule, RegionSeasonPolicy } from './policy.model';

/**
 * Weekly ranking of townships or villages by completion of their quota (周通报、周排名) and the
 * rules that call a unit "behind" (MQ: 连续3周排名倒数第一; ZJ: 连续两周排名落后). Pure functions:
 * the reporting service feeds them the counts it projected.
 */

/** A calendar week in Asia/Shanghai, Monday to Sunday. */
export interface SupervisionWeek {
  /** Monday. */
  from: BusinessDate;
  /** Sunday: the week is over at 00:00 the next day. */
  to: BusinessDate;
}

/** The Monday of the week containing `date`. */
export function mondayOf(date: BusinessDate): BusinessDate {
  // 1970-01-05 was a Monday.
  const offset = ((daysBetween('1970-01-05', date) % 7) + 7) % 7;
  return addDays(date, -offset);
}

/**
 * The weeks of a season that have ended by `today`: from the week containing `from` to the last week
 * that ended before `today`, and no later than the week containing `to`.
 */
export function completedWeeks(from: BusinessDate, to: BusinessDate, today: BusinessDate): SupervisionWeek[] {
  const weeks: SupervisionWeek[] = [];
  for (let monday = mondayOf(from); monday <= to; monday = addDays(monday, 7)) {
    const sunday = addDays(monday, 6);
    if (sunday >= today) break;
    weeks.push({ from: monday, to: sunday });
  }
  return weeks;
}

export interface UnitCompletion {
  unitCode: string;
  /** People enrolled and paid (the numerator). */
  done: number;
  quota: number;
}

export interface RankedUnit extends UnitCompletion {
  /** Competition ranking ("1224"): units with the same completion share a rank. */
  rank: number;
  /** done / quota, rounded to 4 decimals for display; ranking compares exactly. */
  completionRate: number;
}

/** Compares completion exactly (cross-multiplied), highest first. */
function byCompletion(a: UnitCompletion, b: UnitCompletion): number {
  return b.done * a.quota - a.done * b.quota;
}

export function completionRate(done: number, quota: number): number {
  return quota > 0 ? Math.round((done / quota) * 10_000) / 10_000 : 0;
}

/** Ranks units with a positive quota by completion rate, highest first; ties share a rank. */
export function rankByCompletion(units: UnitCompletion[]): RankedUnit[] {
  const sorted = units
    .filter((u) => u.quota > 0)
    .sort((a, b) => byCompletion(a, b) || a.unitCode.localeCompare(b.unitCode));
  const ranked: RankedUnit[] = [];
  sorted.forEach((u, i) => {
    const tied = i > 0 && byCompletion(sorted[i - 1], u) === 0;
    ranked.push({
      ...u,
      rank: tied ? ranked[i - 1].rank : i + 1,
      completionRate: completionRate(u.done, u.quota),
    });
  });
  return ranked;
}

/**
 * Units "behind" in one week's ranking: ranked last (LAST), or among the bottom N ranks (BOTTOM_N,
 * N from the policy or, where the policy leaves it open, `defaultBottomN`). A unit level with
 * the best is never behind: when every unit has the same completion, nobody is.
 */
export function behindUnits(ranked: RankedUnit[], rule: RankingRule, defaultBottomN: number): Set<string> {
  if (ranked.length < 2) return new Set();
  const best = ranked[0];
  const n = rule.behind === 'LAST' ? 1 : (rule.bottomN ?? defaultBottomN);
  const cutoff = ranked[Math.max(0, ranked.length - n)].rank;
  return new Set(
    ranked.filter((u) => u.rank >= cutoff && byCompletion(best, u) !== 0).map((u) => u.unitCode),
  );
}

export interface BehindStreak {
  unitCode: string;
  /** Monday of the first week of the streak. */
  since: BusinessDate;
  /** Sunday of the week the streak reached the policy's number of weeks. */
  reachedOn: BusinessDate;
  weeks: number;
}

/**
 * Streaks of consecutive weeks behind that reached `rule.consecutiveWeeks`: one entry per streak
 * (identified by its first week), however long it goes on afterwards.
 */
export function behindStreaks(
  weeks: SupervisionWeek[],
  behindByWeek: Set<string>[],
  rule: RankingRule,
): BehindStreak[] {
  const out: BehindStreak[] = [];
  const running = new Map<string, { since: BusinessDate; weeks: number }>();
  weeks.forEach((week, i) => {
    const behind = behindByWeek[i];
    for (const code of [...running.keys()]) if (!behind.has(code)) running.delete(code);
    for (const code of behind) {
      const streak = running.get(code) ?? { since: week.from, weeks: 0 };
      streak.weeks += 1;
      running.set(code, streak);
      if (streak.weeks === rule.consecutiveWeeks)
        out.push({ unitCode: code, since: streak.since, reachedOn: week.to, weeks: streak.weeks });
    }
  });
  return out;
}

/** Consecutive weeks behind up to and including week `index`. */
export function weeksBehindRunning(behindByWeek: Set<string>[], index: number, unitCode: string): number {
  let n = 0;
  for (let i = index; i >= 0 && behindByWeek[i].has(unitCode); i--) n++;
  return n;
}

export interface MilestoneCheck {
  by: BusinessDate;
  share: number;
  /** People needed by then: ceil(share × quota). */
  required: number;
  done: number;
  met: boolean;
  /** The date has passed (the check is final). */
  due: boolean;
}

/** MQ: 11月底前完成任务的80%: each milestone of the policy against a unit's quota. */
export function checkMilestones(
  policy: RegionSeasonPolicy,
  quota: number,
  doneBy: (date: BusinessDate) => number,
  today: BusinessDate,
): MilestoneCheck[] {
  return policy.supervision.milestones.map((m) => {
    const required = Math.ceil(Math.round(m.share * quota * 1e6) / 1e6);
    const done = doneBy(m.by);
    return { by: m.by, share: m.share, required, done, met: done >= required, due: m.by < today };
  });
}
