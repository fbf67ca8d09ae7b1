import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Command } from '@urrbmi/platform';

/** `POST /v1/refunds/{id}/payout` body: what the bank did with the transfer (支付结果). */
export class PayoutBody extends Command {
  @ApiProperty({ enum: ['PAID', 'FAILED'], example: 'PAID' })
  @IsIn(['PAID', 'FAILED'])
  outcome!: 'PAID' | 'FAILED';

  @ApiPropertyOptional({ example: 'ABC20220112000123', description: "the bank's transaction reference" })
  @IsOptional()
  @MaxLength(100)
  @IsString()
  bankReference?: string;

  @ApiPropertyOptional({ example: '账户已销户', description: "the bank's reason; required when FAILED" })
  @ValidateIf((o: PayoutBody) => o.outcome === 'FAILED' || o.failureReason !== undefined)
  @MaxLength(500)
  @MinLength(1, { message: 'failureReason is required when the payout FAILED' })
  @IsString({ message: 'failureReason is required when the payout FAILED' })
  failureReason?: string;
}

export class ConfirmPayoutCommand extends PayoutBody {
  @IsUUID()
  refundId!: string;

  @MaxLength(100)
  @IsString()
  confirmedBy!: string;

  static of(refundId: string, body: PayoutBody, confirmedBy: string): ConfirmPayoutCommand {
    return ConfirmPayoutCommand.create({ ...body, refundId, confirmedBy });
  }
}
