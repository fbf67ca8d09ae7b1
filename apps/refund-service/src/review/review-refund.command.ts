import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Command } from '@urrbmi/platform';

/** `POST /v1/refunds/{id}/review` body (医保审核). */
export class ReviewBody extends Command {
  @ApiProperty({ enum: ['APPROVE', 'REJECT'], example: 'APPROVE' })
  @IsIn(['APPROVE', 'REJECT'])
  decision!: 'APPROVE' | 'REJECT';

  @ApiProperty({ example: '凭证与缴费记录一致', description: 'why: stored with the transition' })
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  reason!: string;

  @ApiPropertyOptional({
    example: '银行回单证明该笔缴费未冲正',
    description: 'needed to approve when a pre-check failed; recorded and published with the approval',
  })
  @IsOptional()
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  override?: string;
}

export class ReviewRefundCommand extends ReviewBody {
  @IsUUID()
  refundId!: string;

  @MaxLength(100)
  @IsString()
  reviewer!: string;

  static of(refundId: string, body: ReviewBody, reviewer: string): ReviewRefundCommand {
    return ReviewRefundCommand.create({ ...body, refundId, reviewer });
  }
}
