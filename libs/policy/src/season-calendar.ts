import { addDays } from '@urrbmi/domain';
import { RegionSeasonPolicy } from './policy.model';

type Calendar = Pick<RegionSeasonPolicy, 'benefitPeriod' | 'collectionWindow' | 'extendedWindows'>;

/**
 * 待遇享受期起始日: the first day of the benefit period. A policy that states none (S21 is silent)
 * starts the day after its collection window, as every stated season does (window to 12-31, benefits
 * from 01-01).
 */
export function benefitStart(policy: Calendar): string {
  return policy.benefitPeriod.from ?? addDays(policy.collectionWindow.to, 1);
}

/** The last day anyone may pay: the collection window's end or the latest extended window's. */
export function lastCollectingDay(policy: Calendar): string {
  return [policy.collectionWindow.to, ...policy.extendedWindows.map((e) => e.to)].sort().pop()!;
}

/** 征缴期: whether residents of the policy's region pay on `date` (collection or extended window). */
export function isCollectingDay(policy: Calendar, date: string): boolean {
  const from = policy.collectionWindow.from;
  return (from === null || date >= from) && date <= lastCollectingDay(policy);
}

/** Whether `region` collects on `date` under any of `policies` (seasons overlap at their edges). */
export function regionCollectsOn(policies: RegionSeasonPolicy[], region: string, date: string): boolean {
  return policies.some((p) => p.region.code === region && isCollectingDay(p, date));
}
