import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { CANCEL_REASONS, CancelReason } from '@urrbmi/contracts';
import { Command, Principal, validated } from '@urrbmi/platform';

/** `POST /v1/enrollments/{id}/cancel` body. */
export class CancelEnrollmentBody extends Command {
  @ApiProperty({ enum: CANCEL_REASONS, example: 'TRANSFER_OUT', description: '转出 / 死亡 / 转职工医保' })
  @IsIn(CANCEL_REASONS)
  reason!: CancelReason;

  @ApiPropertyOptional({
    example: '2023-11-20',
    description: 'Asia/Shanghai date it takes effect; today by default',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveDate must be YYYY-MM-DD' })
  effectiveDate?: string;
}

/** `CancelEnrollment` asked by a key holder: applied at once, or (paid enrolment) entered for a checker. */
export class CancelEnrollmentCommand extends CancelEnrollmentBody {
  @IsUUID()
  enrollmentId!: string;

  /** Who asks: their holder name, role and area. */
  by!: Principal;

  static of(enrollmentId: string, body: CancelEnrollmentBody, by: Principal): CancelEnrollmentCommand {
    return validated(
      Object.assign(new CancelEnrollmentCommand(), {
        reason: body.reason,
        effectiveDate: body.effectiveDate,
        enrollmentId,
        by,
      }),
    );
  }
}
