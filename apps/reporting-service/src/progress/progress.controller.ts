import { Controller, Get, ParseIntPipe, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EnrollmentRegisteredV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { ProgressRow, RegistrationProgressRepository } from './registration-progress.repository';

@ApiTags('progress')
@ApiBearerAuth()
@Controller('v1/progress')
export class ProgressController {
  constructor(private readonly repository: RegistrationProgressRepository) {}

  @Get()
  @Roles('mib', 'ops', 'township')
  @ApiOperation({ summary: 'Registrations per season and area (townships see their own area only)' })
  @ApiQuery({ name: 'season', example: 2023 })
  progress(
    @Query('season', ParseIntPipe) season: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProgressRow[]> {
    return this.repository.list(season, principal.townshipCode);
  }

  @EventPattern(Topics.EnrollmentRegistered)
  async onRegistered(
    @Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.repository.addRegistrations(
      ctx.manager,
      events.map((e) => e.envelope.payload),
    );
  }
}
