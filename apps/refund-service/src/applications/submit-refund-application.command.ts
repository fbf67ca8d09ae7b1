import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsResidentId, REFUND_APPLICATION_REASONS, RefundApplicationReason } from '@urrbmi/contracts';
import { Command } from '@urrbmi/platform';

const upper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** `POST /v1/refunds` body: one application as the tax bureau accepted it (退费申请). */
export class RefundApplicationBody extends Command {
  @ApiProperty({
    example: 'V202110150001',
    description: 'the tax voucher (完税凭证号) of the payment to refund',
  })
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  @Transform(trimmed)
  voucherNo!: string;

  @ApiProperty({ example: '620725199001011234', description: 'resident ID number of the payer (GB 11643)' })
  @IsResidentId()
  @Transform(upper)
  idNumber!: string;

  @ApiProperty({ example: 32000, description: 'amount to pay back, in fen (分)' })
  @Max(10_000_000)
  @Min(1)
  @IsInt()
  amountFen!: number;

  @ApiProperty({
    enum: REFUND_APPLICATION_REASONS,
    example: 'DUPLICATE_PAYMENT',
    description:
      '重复缴费 DUPLICATE_PAYMENT; 已参加职工医保 DOUBLE_COVER; 死亡 DEATH; 转出 TRANSFER_OUT; 多缴 OVERPAYMENT; 其他 OTHER',
  })
  @IsIn(REFUND_APPLICATION_REASONS)
  reason!: RefundApplicationReason;

  @ApiProperty({ example: '张三', description: 'account holder the bank pays' })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  @Transform(trimmed)
  payeeName!: string;

  @ApiPropertyOptional({ example: '中国农业银行山丹县支行' })
  @IsOptional()
  @MaxLength(100)
  @IsString()
  payeeBank?: string;

  @ApiProperty({
    example: '6228480123456789012',
    description: 'bank or one-card (一卡通) account, digits only',
  })
  @Matches(/^\d{8,34}$/, { message: 'payeeAccount must be 8 to 34 digits' })
  @Transform(trimmed)
  payeeAccount!: string;

  @ApiPropertyOptional({ example: '同一凭证重复缴费', description: "the tax bureau's remark" })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  note?: string;
}

/** The application with who entered it and the idempotency key they sent. */
export class SubmitRefundApplicationCommand extends RefundApplicationBody {
  @MaxLength(100)
  @IsString()
  enteredBy!: string;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'Idempotency-Key must be 1 to 200 printable ASCII characters' })
  idempotencyKey?: string;

  static of(
    body: RefundApplicationBody,
    enteredBy: string,
    idempotencyKey?: string,
  ): SubmitRefundApplicationCommand {
    return SubmitRefundApplicationCommand.create({ ...body, enteredBy, idempotencyKey });
  }
}
