import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE } from '../../validators';

/** 次月资助: a subsidy to transfer to a person who paid in full and was certified. Key: ID number. */
export class SubsidyTransferRequestedV1 {
  @IsUUID()
  transferId!: string;

  @IsResidentId()
  idNumber!: string;

  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @Matches(REGION_CODE)
  regionCode!: string;

  @Min(1)
  @IsInt()
  amountFen!: number;

  @IsString()
  @MaxLength(60)
  category!: string;

  /** ONE_CARD, CIVIL_AFFAIRS_ACCOUNT or TOWNSHIP_GOVERNMENT (libs/policy). */
  @IsString()
  @MaxLength(40)
  route!: string;

  @Matches(/^\d{4}-\d{2}$/)
  transferMonth!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  requestedAt!: string;
}

export const SubsidyTransferRequested = defineEvent({
  type: Topics.SubsidyTransferRequested,
  version: 1,
  payloadClass: SubsidyTransferRequestedV1,
  keyOf: (p) => p.idNumber,
});
