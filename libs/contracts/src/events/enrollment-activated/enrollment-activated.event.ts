import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE, TOWNSHIP_CODE, VILLAGE_CODE } from '../../validators';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Paid in full: the enrolment is effective for its benefit period. Key: resident ID number. */
export class EnrollmentActivatedV1 {
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

  @IsIn(['PAID', 'PROXY_PAID'])
  paidAs!: 'PAID' | 'PROXY_PAID';

  @Min(0)
  @IsInt()
  paidFen!: number;

  @Matches(DATE)
  benefitStart!: string;

  @Matches(DATE)
  benefitEnd!: string;

  @Min(0)
  @IsInt()
  waitingMonths!: number;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  activatedAt!: string;
}

export const EnrollmentActivated = defineEvent({
  type: Topics.EnrollmentActivated,
  version: 1,
  payloadClass: EnrollmentActivatedV1,
  keyOf: (p) => p.idNumber,
});
