import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles';
import { ApiErrors } from '../openapi/api-docs.decorators';
import { ReadinessProbe, ReadinessReport } from './readiness';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly probe: ReadinessProbe) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (no dependencies checked)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Database and Kafka answer and every consumer runs; 503 otherwise' })
  @ApiErrors({ 503: [] })
  async ready(): Promise<ReadinessReport> {
    const report = await this.probe.check();
    if (!report.ready) {
      throw new ServiceUnavailableException({ message: 'not ready', details: report.checks });
    }
    return report;
  }
}
