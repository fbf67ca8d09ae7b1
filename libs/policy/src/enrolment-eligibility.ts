import { addDays, addMonths, daysBetween } from '@urrbmi/domain';
import { ExtendedWindowGroup, LateEnrolmentGroup } from './categories';
import { RegionSeasonPolicy } from './policy.model';
import { benefitStart } from './season-calendar';

export type EnrolmentBasis = 'WINDOW' | 'EXTENDED_WINDOW' | 'NEWBORN' | 'LATE';

/** Why the policy refuses an enrolment: the `details.code` of a 422 at registration. */
export const ENROLMENT_REFUSALS = [
  'BEFORE_WINDOW',
  'AFTER_WINDOW',
  'BIRTH_DATE_REQUIRED',
  'NEWBORN_TOO_OLD',
  'NEWBORN_RULE_NOT_STATED',
  'BORN_AFTER_BENEFIT_PERIOD',
  'LATE_ENROLMENT_NOT_OFFERED',
  'NOT_A_LATE_GROUP',
  'EMPLOYEE_HISTORY_REQUIRED',
  'NO_BENEFIT_LEFT',
] as const;
export type EnrolmentRefusal = (typeof ENROLMENT_REFUSALS)[number];

export interface EnrolmentRequest {
  /** Asia/Shanghai date of registration and payment. */
  date: string;
  newborn?: { birthDate: string };
  extendedGroup?: ExtendedWindowGroup;
  lateGroup?: LateEnrolmentGroup;
  /** For EMPLOYEE_INSURANCE_LEAVER: years of continuous employee insurance and the gap since, in months. */
  employeeHistory?: { continuousYears: number; gapMonths: number };
}

export type EnrolmentDecision =
  | {
      allowed: true;
      basis: EnrolmentBasis;
      benefitStart: string;
      benefitEnd: string;
      waitingMonths: number;
      reason: string;
    }
  | { allowed: false; code: EnrolmentRefusal; reason: string };

function refuse(code: EnrolmentRefusal, reason: string): EnrolmentDecision {
  return { allowed: false, code, reason };
}

/**
 * Can this person enrol for the policy's season on `date`, and from when are they covered:
 * window payers from the period start; newborns from birth (within 90 days / 3 months, as the policy
 * says); the policy's late groups from the day after payment, or after a waiting period.
 */
export function decideEnrolment(policy: RegionSeasonPolicy, req: EnrolmentRequest): EnrolmentDecision {
  const period = policy.benefitPeriod;
  const periodStart = benefitStart(policy);
  const end = period.to;
  const window = policy.collectionWindow;
  const inWindow = (window.from === null || req.date >= window.from) && req.date <= window.to;

  if (req.newborn) {
    const birth = req.newborn.birthDate;
    if (!birth) return refuse('BIRTH_DATE_REQUIRED', 'a newborn registration needs the birth date');
    if (birth > end)
      return refuse('BORN_AFTER_BENEFIT_PERIOD', `born after the benefit period ends on ${end}`);
    const nb = policy.newborn;
    if (nb.days === undefined && nb.months === undefined) {
      if (inWindow)
        return {
          allowed: true,
          basis: 'WINDOW',
          benefitStart: periodStart,
          benefitEnd: end,
          waitingMonths: 0,
          reason: `paid in the collection window; ${policy.id} has no newborn rule`,
        };
      return refuse(
        'NEWBORN_RULE_NOT_STATED',
        `${policy.id} states no newborn registration window (${nb.unstated?.window ?? nb.source})`,
      );
    }
    const age = daysBetween(birth, req.date);
    if (age < 0) return refuse('BIRTH_DATE_REQUIRED', 'birth date is after the registration date');
    // The birth day itself is not counted (Civil Code art. 201): 90 days old is the last day.
    const withinDays = nb.days !== undefined && age <= nb.days;
    const withinMonths = nb.months !== undefined && req.date <= addMonths(birth, nb.months);
    if (!withinDays && !withinMonths) {
      const limit = nb.days !== undefined ? `${nb.days} days` : `${nb.months} months`;
      return refuse(
        'NEWBORN_TOO_OLD',
        `newborn is ${age} days old; ${policy.id} allows newborn registration within ${limit} of birth (${nb.source})`,
      );
    }
    if (nb.benefitsFrom !== 'BIRTH_DATE') {
      // The policy gives a registration window but not when benefits start: cover from the period.
      return {
        allowed: true,
        basis: 'NEWBORN',
        benefitStart: birth > periodStart ? birth : periodStart,
        benefitEnd: end,
        waitingMonths: 0,
        reason: `newborn registered at ${age} days old; ${policy.id} does not state when a newborn's benefits start (${nb.unstated?.benefitsFrom ?? nb.source}): covered from ${birth > periodStart ? birth : periodStart}`,
      };
    }
    const year = benefitYearContaining(policy, birth);
    return {
      allowed: true,
      basis: 'NEWBORN',
      benefitStart: birth,
      benefitEnd: year.to,
      waitingMonths: 0,
      reason: `newborn registered at ${age} days old; covered from birth on ${birth} to ${year.to}, the benefit year containing the birth date (${nb.source})${year.to < periodStart ? `; the ${periodStart}..${end} benefit year is a separate enrolment` : ''}`,
    };
  }

  if (window.from !== null && req.date < window.from) {
    return refuse('BEFORE_WINDOW', `the ${policy.id} collection window opens on ${window.from}`);
  }
  if (inWindow) {
    return {
      allowed: true,
      basis: 'WINDOW',
      benefitStart: periodStart,
      benefitEnd: end,
      waitingMonths: 0,
      reason: `paid in the collection window (${window.source})`,
    };
  }
  const ext = req.extendedGroup && policy.extendedWindows.find((e) => e.group === req.extendedGroup);
  if (ext && req.date <= ext.to) {
    return {
      allowed: true,
      basis: 'EXTENDED_WINDOW',
      benefitStart: periodStart,
      benefitEnd: end,
      waitingMonths: 0,
      reason: `extended window for ${ext.group} until ${ext.to} (${ext.source})`,
    };
  }
  if (!req.lateGroup) {
    return refuse(
      'AFTER_WINDOW',
      `the ${policy.id} collection window closed on ${window.to}${ext ? ` (and for ${ext.group} on ${ext.to})` : ''}`,
    );
  }
  const late = policy.lateEnrolment;
  if (late.groups.length === 0 || late.benefitStart === null) {
    return refuse('LATE_ENROLMENT_NOT_OFFERED', `${policy.id} names no late-enrolment groups`);
  }
  if (!late.groups.includes(req.lateGroup))
    return refuse('NOT_A_LATE_GROUP', `${req.lateGroup} is not a late-enrolment group of ${policy.id}`);
  let waitingMonths = 0;
  if (req.lateGroup === 'EMPLOYEE_INSURANCE_LEAVER' && late.employeeLeaver) {
    const rule = late.employeeLeaver;
    const h = req.employeeHistory;
    if (!h)
      return refuse(
        'EMPLOYEE_HISTORY_REQUIRED',
        'late enrolment after employee insurance needs the years insured and the gap in months',
      );
    if (h.continuousYears < rule.minContinuousYears) {
      return refuse(
        'NOT_A_LATE_GROUP',
        `needs ${rule.minContinuousYears} continuous years of employee insurance, has ${h.continuousYears}`,
      );
    }
    if (h.gapMonths > rule.maxGapMonths) waitingMonths = rule.waitingMonthsOverGap;
  }
  const dayAfter = addDays(req.date, 1);
  const start = waitingMonths > 0 ? addMonths(dayAfter, waitingMonths) : dayAfter;
  if (start > end)
    return refuse('NO_BENEFIT_LEFT', `benefits would start on ${start}, after the period ends on ${end}`);
  return {
    allowed: true,
    basis: 'LATE',
    benefitStart: start,
    benefitEnd: end,
    waitingMonths,
    reason:
      waitingMonths > 0
        ? `late enrolment with a ${waitingMonths}-month waiting period (${late.source})`
        : `late enrolment, covered from the day after payment (${late.source})`,
  };
}

/**
 * 落地参保: the benefit year (待遇享受期) that contains `date`. The policy's benefit period repeats
 * year by year, so a birth before it falls in the same period of an earlier year; a policy that
 * states no period start counts from the day after its collection window.
 */
export function benefitYearContaining(
  policy: RegionSeasonPolicy,
  date: string,
): { from: string; to: string } {
  let from = benefitStart(policy);
  let to = policy.benefitPeriod.to;
  while (date < from) {
    from = addMonths(from, -12);
    to = addMonths(to, -12);
  }
  while (date > to) {
    from = addMonths(from, 12);
    to = addMonths(to, 12);
  }
  return { from, to };
}

/**
 * Resident to employee insurance (S21 三(四)): with enough continuous years and a short gap the
 * employee benefits start in the month of payment; otherwise after the waiting period.
 */
export function employeeSwitchBenefitStart(
  policy: RegionSeasonPolicy,
  req: { paymentDate: string; continuousYears: number; gapMonths: number },
): { benefitStart: string; waitingMonths: number; reason: string } | null {
  const rule = policy.employeeSwitch;
  if (!rule) return null;
  if (req.continuousYears >= rule.minContinuousYears && req.gapMonths <= rule.maxGapMonths) {
    return {
      benefitStart: `${req.paymentDate.slice(0, 7)}-01`,
      waitingMonths: 0,
      reason: `same month (${rule.source})`,
    };
  }
  return {
    benefitStart: addMonths(req.paymentDate, rule.waitingMonths),
    waitingMonths: rule.waitingMonths,
    reason: `${rule.waitingMonths}-month waiting period (${rule.source})`,
  };
}
