import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { DataSource } from 'typeorm';
import { IsResidentId } from '@urrbmi/contracts';
import { Clock, CurrentPrincipal, Principal, Roles } from '@urrbmi/platform';
import { EnrollmentRepository } from '../enrollment.repository';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class EmployeeInsuredPerson {
  @ApiProperty({ example: '620725199001011234' })
  @IsResidentId()
  idNumber!: string;

  @ApiPropertyOptional({ example: '张三' })
  @IsOptional()
  @MaxLength(100)
  @IsString()
  name?: string;

  @ApiPropertyOptional({ example: '2020-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'insuredFrom must be YYYY-MM-DD' })
  insuredFrom?: string;

  @ApiPropertyOptional({ example: null, description: 'absent while still insured as an employee' })
  @IsOptional()
  @Matches(DATE, { message: 'insuredTo must be YYYY-MM-DD' })
  insuredTo?: string;
}

export class EmployeeInsuredList {
  @ApiProperty({ type: [EmployeeInsuredPerson] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => EmployeeInsuredPerson)
  people!: EmployeeInsuredPerson[];
}

@ApiTags('employee-insured')
@ApiBearerAuth()
@Controller('v1/employee-insured')
export class EmployeeInsuredController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EnrollmentRepository,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('mib')
  @ApiOkResponse({ description: 'the list is stored; live enrolments of these people are flagged' })
  @ApiOperation({
    summary:
      'People insured as employees (职工医保): refused at registration; live enrolments are flagged as double cover',
  })
  add(@Body() list: EmployeeInsuredList, @CurrentPrincipal() by: Principal) {
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      const people = list.people.map((p) => ({
        idNumber: p.idNumber.toUpperCase(),
        name: p.name ?? null,
        insuredFrom: p.insuredFrom ?? null,
        insuredTo: p.insuredTo ?? null,
      }));
      await this.repository.upsertEmployeeInsured(m, people, by.holder);
      const flagged = await this.repository.flagDoubleCover(
        m,
        people.map((p) => p.idNumber),
        today,
      );
      await this.repository.addHistory(
        m,
        flagged.map((id) => ({
          enrollmentId: id,
          actor: by.holder,
          change: 'DOUBLE_COVER',
          details: { note: 'listed as insured as an employee' },
        })),
      );
      return { listed: people.length, enrolmentsFlaggedDoubleCover: flagged.length };
    });
  }
}
