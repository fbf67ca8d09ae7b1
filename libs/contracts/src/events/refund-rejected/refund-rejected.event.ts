import { IsIn, IsInt, IsString, IsUUID, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId } from '../../validators';
import {
  REFUND_APPLICATION_REASONS,
  RefundApplicationReason,
  RefundPlaceFields,
} from '../refund-requested/refund-requested.event';

/** 退费审核不通过: the medical insurance bureau rejected the application, with its reason. Key: resident ID number. */
export class RefundRejectedV1 extends RefundPlaceFields {
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

  @MaxLength(500)
  @MinLength(1)
  @IsString()
  rejectionReason!: string;

  @IsString()
  @MaxLength(100)
  rejectedBy!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  rejectedAt!: string;
}

export const RefundRejected = defineEvent({
  type: Topics.RefundRejected,
  version: 1,
  payloadClass: RefundRejectedV1,
  keyOf: (p) => p.idNumber,
});
