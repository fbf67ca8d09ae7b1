import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AuditPersonReads, Roles } from '@urrbmi/platform';
import { GetAssessmentHandler, GetAssessmentQuery } from './get-assessment.handler';

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('v1/assessments')
export class AssessmentsController {
  constructor(private readonly handler: GetAssessmentHandler) {}

  @Get(':idNumber/:season')
  @ApiErrors({ 400: ['INVALID_COMMAND'], 404: [] })
  @Roles('mib', 'civil-affairs', 'rural-revitalization')
  @AuditPersonReads()
  @ApiOperation({
    summary: "A person's assessment for a season, with every identity period the departments certified",
  })
  get(@Param('idNumber') idNumber: string, @Param('season', ParseIntPipe) season: number) {
    return this.handler.execute(GetAssessmentQuery.create({ idNumber, season }));
  }
}
