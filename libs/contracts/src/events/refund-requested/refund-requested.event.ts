import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE, TOWNSHIP_CODE } from '../../validators';

/**
 * Why a contribution is paid back, as the tax bureau's application states it: 重复缴费, 职工医保重复参保,
 * 死亡, 转出, 多缴 (e.g. paid in full, then assessed lower before the window closed), 其他.
 */
export const REFUND_APPLICATION_REASONS = [
  'DUPLICATE_PAYMENT',
  'DOUBLE_COVER',
  'DEATH',
  'TRANSFER_OUT',
  'OVERPAYMENT',
  'OTHER',
] as const;
export type RefundApplicationReason = (typeof REFUND_APPLICATION_REASONS)[number];

/** Where the refund's payment belongs; absent while the voucher is not among the recorded payments. */
export class RefundPlaceFields {
  @IsOptional()
  @Max(2100)
  @Min(2000)
  @IsInt()
  season?: number;

  @IsOptional()
  @Matches(REGION_CODE)
  regionCode?: string;

  @IsOptional()
  @Matches(TOWNSHIP_CODE)
  townshipCode?: string;
}

/** 退费申请已受理: the tax bureau's application entered, with the automatic pre-checks. Key: resident ID number. */
export class RefundRequestedV1 extends RefundPlaceFields {
  @IsUUID()
  refundId!: string;

  @IsString()
  @MaxLength(64)
  voucherNo!: string;

  @IsResidentId()
  idNumber!: string;

  @Min(1)
  @IsInt()
  amountFen!: number;

  @IsIn(REFUND_APPLICATION_REASONS)
  reason!: RefundApplicationReason;

  @IsBoolean()
  precheckPassed!: boolean;

  /** Codes of the failed pre-checks (UNKNOWN_VOUCHER, PAYMENT_REVERSED, AMOUNT_ABOVE_PAID, …). */
  @IsString({ each: true })
  @IsArray()
  precheckFailures!: string[];

  @IsString()
  @MaxLength(100)
  requestedBy!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  requestedAt!: string;
}

export const RefundRequested = defineEvent({
  type: Topics.RefundRequested,
  version: 1,
  payloadClass: RefundRequestedV1,
  keyOf: (p) => p.idNumber,
});
