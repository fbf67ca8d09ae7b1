import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Command } from '@urrbmi/platform';

export class SettlementResult {
  @ApiProperty()
  @IsUUID()
  transferId!: string;

  @ApiProperty({ enum: ['PAID', 'FAILED'] })
  @IsIn(['PAID', 'FAILED'])
  status!: 'PAID' | 'FAILED';

  @ApiPropertyOptional({ example: '账户已销户' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  failure?: string;
}

/** `POST /v1/transfers/settlements` body: the bank's results per instruction. */
export class SettlementBatchBody extends Command {
  @ApiProperty({ type: [SettlementResult] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => SettlementResult)
  results!: SettlementResult[];
}

/** `EnterSettlement`: a key holder enters the bank's results; nothing is applied yet. */
export class EnterSettlementCommand extends SettlementBatchBody {
  @MaxLength(200)
  @IsString()
  enteredBy!: string;

  @MaxLength(100)
  @IsString()
  enteredRole!: string;
}

export class SettlementDecisionBody extends Command {
  @ApiPropertyOptional({ example: '与银行回单核对无误' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

/** `SettleTransfers` (confirm) or `RejectSettlement`: another holder of the same role decides. */
export class DecideSettlementCommand extends SettlementDecisionBody {
  @IsUUID()
  settlementId!: string;

  @MaxLength(200)
  @IsString()
  checker!: string;

  @MaxLength(100)
  @IsString()
  checkerRole!: string;
}
