import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { EXAMPLE_PEOPLE } from '@urrbmi/contracts';
import { ApiErrors, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { ENROLMENT_REFUSALS } from '@urrbmi/policy';
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
  @ApiBody({
    type: RegisterEnrollmentCommand,
    examples: {
      zhujiNewborn: {
        summary: 'a Zhuji newborn, covered from birth',
        value: {
          idNumber: EXAMPLE_PEOPLE.zhujiNewborn,
          name: '王小宝',
          season: 2023,
          regionCode: '341323',
          townshipCode: '341323100',
          kind: 'NEWBORN',
        },
      },
    },
  })
  @ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'a UUID carried into the events' })
  @ApiErrors({
    403: ['PROXY_BY_MIB_ONLY'],
    409: ['ALREADY_ENROLLED', 'DOUBLE_COVER', 'NOT_CANCELLED_ELSEWHERE'],
    422: [
      'NO_POLICY',
      'LATE_GROUP_REQUIRED',
      'NON_LOCAL_PROOF_REQUIRED',
      'PREVIOUS_REGION_REQUIRED',
      ...ENROLMENT_REFUSALS,
    ],
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
