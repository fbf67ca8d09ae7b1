import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE } from '../../validators';

/** The subsidy and amount due of one person for one season (资助参保认定). Key: resident ID number. */
export class SubsidyAssessedV1 {
  @IsResidentId()
  idNumber!: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  season!: number;

  @Matches(REGION_CODE)
  regionCode!: string;

  @Matches(/^\d{6}-\d{4}$/)
  policyId!: string;

  /** Category code of libs/policy, or absent when no identity qualifies. */
  @IsOptional()
  @IsString()
  @MaxLength(60)
  category?: string;

  @Min(0)
  @IsInt()
  subsidyFen!: number;

  @IsOptional()
  @IsIn(['FULL', 'DIFFERENCE', 'REIMBURSE', 'NONE'])
  mode?: string;

  @Min(0)
  @IsInt()
  amountDueFen!: number;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  route?: string;

  @IsString()
  @MaxLength(500)
  reason!: string;

  /**
   * Why, as a code (`SUBSIDISED`, `NO_IDENTITY`, `CERTIFIED_ELSEWHERE`, `CATEGORY_NOT_IN_POLICY`,
   * `IDENTITY_BEGAN_AFTER_PAYMENT`, … — `ASSESSMENT_REASON_CODES` of libs/policy). Optional: producers
   * before it did not send one.
   */
  @IsOptional()
  @Matches(/^[A-Z_]{3,40}$/)
  reasonCode?: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  assessedAt!: string;
}

export const SubsidyAssessed = defineEvent({
  type: Topics.SubsidyAssessed,
  version: 1,
  payloadClass: SubsidyAssessedV1,
  keyOf: (p) => p.idNumber,
});
