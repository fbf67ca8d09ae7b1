import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE, TOWNSHIP_CODE, VILLAGE_CODE } from '../../validators';

export const PAYMENT_CHANNELS = [
  'WECHAT',
  'ALIPAY',
  'BANK_APP',
  'BANK_COUNTER',
  'TAX_APP',
  'E_TAX',
  'TAX_WINDOW',
  'VILLAGE_AGENT',
  'SCHOOL',
  'PROXY',
] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

/** A contribution the tax bureau collected (one voucher of the daily feed). Key: resident ID number. */
export class PaymentRecordedV1 {
  @IsString()
  @MaxLength(64)
  voucherNo!: string;

  @IsResidentId()
  idNumber!: string;

  @IsString()
  @MaxLength(100)
  name!: string;

  @Matches(REGION_CODE)
  regionCode!: string;

  @IsOptional()
  @Matches(TOWNSHIP_CODE)
  townshipCode?: string;

  @IsOptional()
  @Matches(VILLAGE_CODE)
  villageCode?: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  season!: number;

  /** Positive, in fen. */
  @Min(1)
  @IsInt()
  amountFen!: number;

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  paidAt!: string;

  @IsUUID()
  feedId!: string;
}

export const PaymentRecorded = defineEvent({
  type: Topics.PaymentRecorded,
  version: 1,
  payloadClass: PaymentRecordedV1,
  keyOf: (p) => p.idNumber,
});
