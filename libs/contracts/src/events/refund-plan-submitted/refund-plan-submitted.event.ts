import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { REGION_CODE, TOWNSHIP_CODE } from '../../validators';
import {
  REFUND_APPLICATION_REASONS,
  RefundApplicationReason,
} from '../refund-requested/refund-requested.event';

/** One line of a plan's totals: refunds of one reason in one township. */
export class RefundPlanTotal {
  @IsIn(REFUND_APPLICATION_REASONS)
  reason!: RefundApplicationReason;

  @Matches(REGION_CODE)
  regionCode!: string;

  /** Absent when the payment named no township. */
  @IsOptional()
  @Matches(TOWNSHIP_CODE)
  townshipCode?: string;

  @Min(1)
  @IsInt()
  count!: number;

  @Min(1)
  @IsInt()
  amountFen!: number;
}

/** 退费用款计划已报送: MIB bundled approved refunds into a funding plan for finance. Key: plan id. */
export class RefundPlanSubmittedV1 {
  @IsUUID()
  planId!: string;

  @Min(1)
  @IsInt()
  refundCount!: number;

  @Min(1)
  @IsInt()
  totalFen!: number;

  @ValidateNested({ each: true })
  @Type(() => RefundPlanTotal)
  @ArrayMinSize(1)
  @IsArray()
  totals!: RefundPlanTotal[];

  @IsUUID('all', { each: true })
  @ArrayMinSize(1)
  @IsArray()
  refundIds!: string[];

  @IsString()
  @MaxLength(100)
  submittedBy!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  submittedAt!: string;
}

export const RefundPlanSubmitted = defineEvent({
  type: Topics.RefundPlanSubmitted,
  version: 1,
  payloadClass: RefundPlanSubmittedV1,
  keyOf: (p) => p.planId,
});
