import { Body, Controller, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { CANCEL_REASONS, CancelReason, EnrollmentCancelled } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import {
  ApiErrors,
  assertAreaVisible,
  Clock,
  CurrentPrincipal,
  DomainError,
  Principal,
  Roles,
} from '@urrbmi/platform';
import { EnrollmentRepository } from '../enrollment.repository';
import { EnrolmentStateService } from '../standing/enrolment-state.service';

export class CancelEnrollmentCommand {
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

@ApiTags('enrollments')
@ApiBearerAuth()
@Controller('v1/enrollments')
export class CancelEnrollmentController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EnrollmentRepository,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly standing: EnrolmentStateService,
  ) {}

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('mib', 'township')
  @ApiErrors({ 404: [], 409: ['ALREADY_CANCELLED'] })
  @ApiOperation({
    summary: 'Cancel an enrolment (注销登记): transfer out, death, switch to employee insurance',
  })
  @ApiOkResponse({
    description: 'cancelled; enrollment.cancelled is published with what was paid, for the refund desk',
  })
  cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() cmd: CancelEnrollmentCommand,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.dataSource.transaction(async (m) => {
      const e = await this.repository.findById(m, id, true);
      if (!e) throw new NotFoundException(`no enrolment ${id}`);
      assertAreaVisible(by, e.townshipCode);
      if (e.status === 'CANCELLED')
        throw new DomainError('ALREADY_CANCELLED', `enrolment ${id} is already cancelled`, 409);
      const effectiveDate = cmd.effectiveDate ?? this.clock.today();
      await this.repository.cancel(m, id, cmd.reason);
      await this.repository.addHistory(m, [
        {
          enrollmentId: id,
          actor: by.holder,
          change: 'CANCELLED',
          details: { reason: cmd.reason, effectiveDate },
        },
      ]);
      const cancelledAt = toShanghaiIso(this.clock.now());
      await this.outbox.publish(m, [
        {
          type: EnrollmentCancelled.type,
          version: EnrollmentCancelled.version,
          payload: {
            enrollmentId: id,
            idNumber: e.idNumber,
            season: e.season,
            regionCode: e.regionCode,
            reason: cmd.reason,
            effectiveDate,
            paidFen: e.paidFen,
            cancelledAt,
          },
        },
      ]);
      await this.standing.publishStanding(m, await this.repository.findByIds(m, [id]), 'cancellation');
      return { enrollmentId: id, status: 'CANCELLED', reason: cmd.reason, effectiveDate, paidFen: e.paidFen };
    });
  }
}
