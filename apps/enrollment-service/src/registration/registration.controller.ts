import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { RegisterEnrollmentCommand } from './register-enrollment.command';
import { RegisterEnrollmentHandler, RegisteredEnrollment } from './register-enrollment.handler';

@ApiTags('enrollments')
@ApiBearerAuth()
@Controller('v1/enrollments')
export class RegistrationController {
  constructor(private readonly handler: RegisterEnrollmentHandler) {}

  @Post()
  @HttpCode(201)
  @Roles('mib', 'township')
  @ApiOperation({ summary: 'Register one person for a season (参保登记)' })
  @ApiCreatedResponse({ description: 'registered; enrollment.registered is published' })
  @ApiConflictResponse({
    description: 'the person already has an enrolment this season (details.info.enrollmentId)',
  })
  register(
    @Body() cmd: RegisterEnrollmentCommand,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<RegisteredEnrollment> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    return this.handler.execute(
      cmd,
      principal,
      correlationId && uuid.test(correlationId) ? correlationId : undefined,
    );
  }
}
