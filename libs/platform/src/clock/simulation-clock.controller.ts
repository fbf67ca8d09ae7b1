import { Body, Controller, Get, Injectable, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { toShanghaiIso } from '@urrbmi/domain';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Principal, Roles } from '../auth/roles';
import { StructuredLogger } from '../logging/structured-logger';
import { Command, CommandHandler } from '../use-case/command';
import { ApiErrors } from '../openapi/api-docs.decorators';
import { Clock } from './clock';

export interface ClockReading {
  mode: string;
  now: string;
  today: string;
}

function reading(clock: Clock): ClockReading {
  return { mode: clock.mode, now: toShanghaiIso(clock.now()), today: clock.today() };
}

/** Move the simulation clock to an instant; it runs on from there. */
export class MoveClockCommand extends Command {
  @ApiProperty({ example: '2023-11-21T16:00:05+08:00', description: 'ISO-8601 instant with offset' })
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'now must be an ISO-8601 instant with offset',
  })
  now!: string;

  @IsString()
  @MaxLength(200)
  by!: string;
}

@Injectable()
export class MoveClockHandler implements CommandHandler<MoveClockCommand, ClockReading> {
  constructor(
    private readonly clock: Clock,
    private readonly logger: StructuredLogger,
  ) {}

  async execute(cmd: MoveClockCommand): Promise<ClockReading> {
    const from = toShanghaiIso(this.clock.now());
    this.clock.moveTo(new Date(cmd.now));
    this.logger.warn('simulation clock moved', { from, to: toShanghaiIso(this.clock.now()), by: cmd.by });
    return reading(this.clock);
  }
}

/** The request body of `PUT /v1/clock`. */
export class MoveClockBody {
  @ApiProperty({ example: '2023-11-21T16:00:05+08:00' })
  @IsString()
  now!: string;
}

/** Mounted only with CLOCK_MODE=simulation (never in production: the setting is refused there). */
@ApiTags('simulation clock')
@ApiBearerAuth()
@Controller('v1/clock')
export class SimulationClockController {
  constructor(
    private readonly clock: Clock,
    private readonly move: MoveClockHandler,
  ) {}

  @Get()
  @Roles('mib', 'ops')
  @ApiOperation({
    summary: "The service clock's mode, instant and Asia/Shanghai date (404 unless CLOCK_MODE=simulation)",
  })
  @ApiErrors({ 404: [] })
  read(): ClockReading {
    return reading(this.clock);
  }

  @Put()
  @Roles('mib', 'ops')
  @ApiOperation({
    summary: 'Move the simulation clock to an instant (CLOCK_MODE=simulation only; 404 otherwise)',
  })
  @ApiErrors({ 400: ['INVALID_COMMAND'], 404: [] })
  moveTo(@Body() body: MoveClockBody, @CurrentPrincipal() by: Principal): Promise<ClockReading> {
    return this.move.execute(MoveClockCommand.create({ now: body.now, by: by.holder }));
  }
}
