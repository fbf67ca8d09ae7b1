import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE, TOWNSHIP_CODE, VILLAGE_CODE } from '../../validators';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const STANDING_STATUSES = ['REGISTERED', 'ACTIVE', 'CANCELLED', 'REFUNDED'] as const;
export type StandingStatus = (typeof STANDING_STATUSES)[number];

/**
 * 参保状态: the whole standing of one enrolment after each change of it (paid in full, a reversal or
 * refund that undoes that, a new assessment, cancellation, refund of a cancelled enrolment).
 * Key: resident ID number.
 *
 * Consumers keep, per person and season, the standing with the greatest
 * `(registeredAt, enrollmentId, standingVersion)`: a later enrolment (after a cancellation) supersedes
 * an earlier one, and within one enrolment the greater version wins. So arrival order — across topics,
 * or a dead letter replayed at the end — never matters. `enrollment.registered` ranks as version 0 of
 * its enrolment.
 */
export class EnrollmentStandingV1 {
  @IsUUID()
  enrollmentId!: string;

  @IsResidentId()
  idNumber!: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  season!: number;

  @Matches(REGION_CODE)
  regionCode!: string;

  @IsOptional()
  @Matches(TOWNSHIP_CODE)
  townshipCode?: string;

  @IsOptional()
  @Matches(VILLAGE_CODE)
  villageCode?: string;

  /** The same instant as `registeredAt` of the enrolment's `enrollment.registered`. */
  @Matches(ISO_INSTANT_WITH_OFFSET)
  registeredAt!: string;

  /** 1 for the first change after registration, then +1 for every change of this enrolment. */
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  standingVersion!: number;

  @IsIn(STANDING_STATUSES)
  status!: StandingStatus;

  /** The amount the person owes after the subsidy in force (the standard when none). */
  @Min(0)
  @IsInt()
  @Max(2_147_483_647)
  amountDueFen!: number;

  /** Net of reversals and refunds. */
  @Min(0)
  @IsInt()
  @Max(2_147_483_647)
  paidFen!: number;

  /**
   * Subsidy that lowered what the person paid (DIFFERENCE) or paid for them (FULL, proxy payment);
   * 0 under REIMBURSE, which the subsidy service transfers after payment.
   */
  @Min(0)
  @IsInt()
  @Max(2_147_483_647)
  subsidyEnjoyedFen!: number;

  @IsOptional()
  @IsIn(['PAID', 'PROXY_PAID'])
  paidAs?: 'PAID' | 'PROXY_PAID';

  /** Asia/Shanghai date the amount due was complete; present exactly when ACTIVE. */
  @IsOptional()
  @Matches(DATE)
  paidInFullOn?: string;

  @IsOptional()
  @Matches(DATE)
  benefitStart?: string;

  @IsOptional()
  @Matches(DATE)
  benefitEnd?: string;

  /** What changed it: `payment.recorded`, `payment.reversed`, `refund.paid`, `subsidy.assessed`, `cancellation`. */
  @IsString()
  @MaxLength(60)
  cause!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  changedAt!: string;
}

export const EnrollmentStanding = defineEvent({
  type: Topics.EnrollmentStanding,
  version: 1,
  payloadClass: EnrollmentStandingV1,
  keyOf: (p) => p.idNumber,
});
