import { Controller, Get, NotFoundException, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { isValidResidentId } from '@urrbmi/domain';
import { EXAMPLE_PEOPLE } from '@urrbmi/contracts';
import { ApiErrors, DomainError, Roles } from '@urrbmi/platform';
import { identitiesOf } from './assessment.service';

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('v1/assessments')
export class AssessmentsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':idNumber/:season')
  @ApiParam({ name: 'idNumber', example: EXAMPLE_PEOPLE.minquanDibao })
  @ApiParam({ name: 'season', example: 2023 })
  @ApiErrors({ 400: ['INVALID_ID_NUMBER'], 404: [] })
  @Roles('mib', 'civil-affairs', 'rural-revitalization', 'ops')
  @ApiOperation({
    summary: "A person's assessment for a season, with every identity period the departments certified",
  })
  async get(@Param('idNumber') idNumber: string, @Param('season', ParseIntPipe) season: number) {
    if (!isValidResidentId(idNumber))
      throw new DomainError('INVALID_ID_NUMBER', 'idNumber must be a valid resident ID number', 400);
    const id = idNumber.toUpperCase();
    const [a] = await this.dataSource.query(
      `SELECT policy_id, category, subsidy_fen, mode, amount_due_fen, route, reason, reason_code, assessed_at FROM subsidy.assessments WHERE id_number = $1 AND season = $2`,
      [id, season],
    );
    if (!a) throw new NotFoundException(`no assessment for this person in season ${season}`);
    const manager = this.dataSource.manager;
    return {
      idNumber: id,
      season,
      policyId: a.policy_id,
      category: a.category,
      subsidyFen: a.subsidy_fen,
      mode: a.mode,
      amountDueFen: a.amount_due_fen,
      route: a.route,
      reasonCode: a.reason_code,
      reason: a.reason,
      assessedAt: a.assessed_at,
      identities: (await identitiesOf(manager, [id])).get(id) ?? [],
    };
  }
}
