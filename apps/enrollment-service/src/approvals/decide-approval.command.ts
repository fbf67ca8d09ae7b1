import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Command, Principal, validated } from '@urrbmi/platform';

export class DecisionBody extends Command {
  @ApiPropertyOptional({ example: '核对无误' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

/** A checker confirms or rejects a pending action (maker-checker). */
export class DecideApprovalCommand extends DecisionBody {
  @IsUUID()
  approvalId!: string;

  by!: Principal;

  static of(approvalId: string, body: DecisionBody, by: Principal): DecideApprovalCommand {
    return validated(Object.assign(new DecideApprovalCommand(), { note: body.note, approvalId, by }));
  }
}
