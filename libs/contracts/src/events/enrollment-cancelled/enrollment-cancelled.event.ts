import { IsIn, IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE } from '../../validators';

export const CANCEL_REASONS = ['TRANSFER_OUT', 'DEATH', 'EMPLOYEE_INSURANCE'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** 注销登记: the enrolment ends (transfer out, death, switch to employee insurance). Key: resident ID number. */
export class EnrollmentCancelledV1 {
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

  @IsIn(CANCEL_REASONS)
  reason!: CancelReason;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  effectiveDate!: string;

  /** What the person had paid: the refund service decides what of it can be returned. */
  @Min(0)
  @IsInt()
  paidFen!: number;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  cancelledAt!: string;
}

export const EnrollmentCancelled = defineEvent({
  type: Topics.EnrollmentCancelled,
  version: 1,
  payloadClass: EnrollmentCancelledV1,
  keyOf: (p) => p.idNumber,
});
