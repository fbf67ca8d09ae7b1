import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE } from '../../validators';

/** A voucher the tax bureau reversed (冲正). Key: resident ID number. */
export class PaymentReversedV1 {
  @IsString()
  @MaxLength(64)
  voucherNo!: string;

  @IsString()
  @MaxLength(64)
  originalVoucherNo!: string;

  @IsResidentId()
  idNumber!: string;

  @Matches(REGION_CODE)
  regionCode!: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  season!: number;

  /** Negative, in fen: minus the original amount. */
  @Max(-1)
  @IsInt()
  amountFen!: number;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  reversedAt!: string;

  @IsUUID()
  feedId!: string;
}

export const PaymentReversed = defineEvent({
  type: Topics.PaymentReversed,
  version: 1,
  payloadClass: PaymentReversedV1,
  keyOf: (p) => p.idNumber,
});
