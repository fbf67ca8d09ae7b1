import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE, TOWNSHIP_CODE, VILLAGE_CODE } from '../../validators';

export const ENROLLMENT_KINDS = [
  'NEW',
  'RENEWAL',
  'NEWBORN',
  'STUDENT',
  'NON_LOCAL',
  'TRANSFER_IN',
  'LATE',
  'PROXY',
] as const;
export type EnrollmentKind = (typeof ENROLLMENT_KINDS)[number];

/** 参保登记: a person was registered for a season. Key: the resident ID number. */
export class EnrollmentRegisteredV1 {
  @IsUUID()
  enrollmentId!: string;

  @IsResidentId()
  idNumber!: string;

  @IsString()
  @MaxLength(100)
  name!: string;

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

  @IsIn(ENROLLMENT_KINDS)
  kind!: EnrollmentKind;

  /** Policy of the region and season, and the amount due before any subsidy assessment (the standard). */
  @Matches(/^\d{6}-\d{4}$/)
  policyId!: string;

  @Min(0)
  @IsInt()
  amountDueFen!: number;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  registeredAt!: string;
}

export const EnrollmentRegistered = defineEvent({
  type: Topics.EnrollmentRegistered,
  version: 1,
  payloadClass: EnrollmentRegisteredV1,
  keyOf: (p) => p.idNumber,
});
