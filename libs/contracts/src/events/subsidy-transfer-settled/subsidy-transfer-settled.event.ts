import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId } from '../../validators';

/** The bank's result for one transfer instruction. Key: ID number. */
export class SubsidyTransferSettledV1 {
  @IsUUID()
  transferId!: string;

  @IsResidentId()
  idNumber!: string;

  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @IsIn(['PAID', 'FAILED'])
  status!: 'PAID' | 'FAILED';

  @Min(1)
  @IsInt()
  amountFen!: number;

  /** Why the bank could not pay; a failed transfer is made again by the next monthly run. */
  @IsOptional()
  @IsString()
  @MaxLength(300)
  failure?: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  settledAt!: string;
}

export const SubsidyTransferSettled = defineEvent({
  type: Topics.SubsidyTransferSettled,
  version: 1,
  payloadClass: SubsidyTransferSettledV1,
  keyOf: (p) => p.idNumber,
});
