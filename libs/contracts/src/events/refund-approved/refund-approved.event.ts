import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE, TOWNSHIP_CODE } from '../../validators';
import {
  REFUND_APPLICATION_REASONS,
  RefundApplicationReason,
} from '../refund-requested/refund-requested.event';

/** 退费审核通过: the medical insurance bureau approved the refund. Key: resident ID number. */
export class RefundApprovedV1 {
  @IsUUID()
  refundId!: string;

  @IsString()
  @MaxLength(64)
  voucherNo!: string;

  @IsResidentId()
  idNumber!: string;

  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @Matches(REGION_CODE)
  regionCode!: string;

  @IsOptional()
  @Matches(TOWNSHIP_CODE)
  townshipCode?: string;

  @Min(1)
  @IsInt()
  amountFen!: number;

  @IsIn(REFUND_APPLICATION_REASONS)
  reason!: RefundApplicationReason;

  /** Why the reviewer approved although a pre-check failed. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  override?: string;

  @IsString()
  @MaxLength(100)
  approvedBy!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  approvedAt!: string;
}

export const RefundApproved = defineEvent({
  type: Topics.RefundApproved,
  version: 1,
  payloadClass: RefundApprovedV1,
  keyOf: (p) => p.idNumber,
});
