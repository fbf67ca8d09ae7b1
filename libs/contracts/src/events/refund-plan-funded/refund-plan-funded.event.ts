import { IsInt, IsString, IsUUID, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';

/** 退费资金已拨付: finance moved the plan total into the fund's expenditure account. Key: plan id. */
export class RefundPlanFundedV1 {
  @IsUUID()
  planId!: string;

  @Min(1)
  @IsInt()
  refundCount!: number;

  /** Equal to the plan's total: a different amount is refused before anything is stored. */
  @Min(1)
  @IsInt()
  amountFen!: number;

  /** Finance's transfer reference. */
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  reference!: string;

  @IsString()
  @MaxLength(100)
  fundedBy!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  fundedAt!: string;
}

export const RefundPlanFunded = defineEvent({
  type: Topics.RefundPlanFunded,
  version: 1,
  payloadClass: RefundPlanFundedV1,
  keyOf: (p) => p.planId,
});
