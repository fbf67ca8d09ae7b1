import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { IsResidentId } from '@urrbmi/contracts';
import { Command, Principal, validated } from '@urrbmi/platform';

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

/** `POST /v1/employee-insured` body: people insured as employees (职工医保). */
export class EmployeeInsuredList extends Command {
  @ApiProperty({ type: [EmployeeInsuredPerson] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => EmployeeInsuredPerson)
  people!: EmployeeInsuredPerson[];
}

/** `EnterEmployeeInsuredList`: a mib holder enters the list; it waits for a second holder. */
export class EnterEmployeeInsuredListCommand extends EmployeeInsuredList {
  by!: Principal;

  static of(list: EmployeeInsuredList, by: Principal): EnterEmployeeInsuredListCommand {
    const plain = EmployeeInsuredList.create({ people: list.people });
    return validated(Object.assign(new EnterEmployeeInsuredListCommand(), { people: plain.people, by }));
  }
}
