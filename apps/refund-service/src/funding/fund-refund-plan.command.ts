import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Command } from '@urrbmi/platform';

/** `POST /v1/refund-plans/{id}/funding` body: finance confirms the transfer (财政拨付). */
export class FundingBody extends Command {
  @ApiProperty({ example: 64000, description: 'amount transferred, in fen; must equal the plan total' })
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(1)
  @IsInt()
  amountFen!: number;

  @ApiProperty({ example: 'CZ-2022-0110-001', description: "finance's transfer reference" })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  reference!: string;
}

export class FundRefundPlanCommand extends FundingBody {
  @IsUUID()
  planId!: string;

  @MaxLength(100)
  @IsString()
  fundedBy!: string;

  static of(planId: string, body: FundingBody, fundedBy: string): FundRefundPlanCommand {
    return FundRefundPlanCommand.create({ ...body, planId, fundedBy });
  }
}
