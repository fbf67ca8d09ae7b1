import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { maskResidentIdsInText } from '@urrbmi/domain';
import { Public } from '../auth/roles';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    // Labels are route templates, topics and codes; should one ever carry an ID number, it leaves masked.
    return maskResidentIdsInText(await this.registry.metrics());
  }
}
