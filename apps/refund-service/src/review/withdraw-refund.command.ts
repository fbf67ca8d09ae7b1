import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Command } from '@urrbmi/platform';

/** `POST /v1/refunds/{id}/withdraw` body. */
export class WithdrawBody extends Command {
  @ApiProperty({ example: '该笔缴费已被税务冲正', description: 'why the approval no longer stands' })
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  reason!: string;
}

export class WithdrawRefundCommand extends WithdrawBody {
  @IsUUID()
  refundId!: string;

  @MaxLength(100)
  @IsString()
  withdrawnBy!: string;

  static of(refundId: string, body: WithdrawBody, withdrawnBy: string): WithdrawRefundCommand {
    return WithdrawRefundCommand.create({ ...body, refundId, withdrawnBy });
  }
}
