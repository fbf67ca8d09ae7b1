import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { REGION_CODE } from '@urrbmi/contracts';
import { Command } from '@urrbmi/platform';

/** `POST /v1/refund-plans` body (退费用款计划). */
export class RefundPlanBody extends Command {
  @ApiPropertyOptional({
    type: [String],
    description:
      'the refunds to bundle; when absent, every approved refund and every failed payout waiting for a plan',
  })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMaxSize(50_000)
  @ArrayMinSize(1)
  @IsArray()
  refundIds?: string[];

  @ApiPropertyOptional({ example: '620725', description: 'with no refundIds: only this region' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit division code' })
  regionCode?: string;

  @ApiPropertyOptional({ example: '2021年第4批退费' })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  note?: string;
}

export class SubmitRefundPlanCommand extends RefundPlanBody {
  @MaxLength(100)
  @IsString()
  submittedBy!: string;

  static of(body: RefundPlanBody, submittedBy: string): SubmitRefundPlanCommand {
    return SubmitRefundPlanCommand.create({ ...body, submittedBy });
  }
}
