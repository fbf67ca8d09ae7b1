import { IsIn, IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { IsResidentId, REGION_CODE } from '../../validators';

export const REFUND_PAID_REASONS = [
  'DOUBLE_COVER_EMPLOYEE',
  'OVERPAYMENT',
  'DUPLICATE_PAYMENT',
  'DEATH',
  'TRANSFER_OUT',
  'OTHER',
] as const;

/** 退费已支付: the refund reached the person. Key: resident ID number. */
export class RefundPaidV1 {
  @IsUUID()
  refundId!: string;

  @IsResidentId()
  idNumber!: string;

  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @Matches(REGION_CODE)
  regionCode!: string;

  /** Positive, in fen. */
  @Min(1)
  @IsInt()
  amountFen!: number;

  @IsIn(REFUND_PAID_REASONS)
  reason!: (typeof REFUND_PAID_REASONS)[number];

  @Matches(ISO_INSTANT_WITH_OFFSET)
  paidAt!: string;
}

export type RefundPaidReason = (typeof REFUND_PAID_REASONS)[number];

export const RefundPaid = defineEvent({
  type: Topics.RefundPaid,
  version: 1,
  payloadClass: RefundPaidV1,
  keyOf: (p) => p.idNumber,
});

/**
 * refund.paid v1 names double cover `DOUBLE_COVER_EMPLOYEE` (the other scheme is always employee
 * insurance); the refund API and the newer refund events say `DOUBLE_COVER`. Mapped here rather than
 * versioning the event: the meaning is the same and consumers of v1 keep working.
 */
export function refundPaidReasonOf(
  reason: 'DUPLICATE_PAYMENT' | 'DOUBLE_COVER' | 'DEATH' | 'TRANSFER_OUT' | 'OVERPAYMENT' | 'OTHER',
): RefundPaidReason {
  return reason === 'DOUBLE_COVER' ? 'DOUBLE_COVER_EMPLOYEE' : reason;
}
