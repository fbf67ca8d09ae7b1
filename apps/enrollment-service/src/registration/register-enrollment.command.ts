import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Equals,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  ENROLLMENT_KINDS,
  EnrollmentKind,
  IsResidentId,
  REGION_CODE,
  TOWNSHIP_CODE,
  VILLAGE_CODE,
} from '@urrbmi/contracts';
import {
  EXTENDED_WINDOW_GROUPS,
  ExtendedWindowGroup,
  LATE_ENROLMENT_GROUPS,
  LateEnrolmentGroup,
} from '@urrbmi/policy';

export class EmployeeHistoryDto {
  @ApiProperty({ example: 3, description: 'continuous years of employee insurance before the gap' })
  @Max(80)
  @Min(0)
  @IsInt()
  continuousYears!: number;

  @ApiProperty({ example: 2, description: 'months since employee insurance contributions stopped' })
  @Max(1200)
  @Min(0)
  @IsInt()
  gapMonths!: number;
}

/** `POST /v1/enrollments` body: one person for one season (参保登记). */
export class RegisterEnrollmentCommand {
  @ApiProperty({ example: '620725199001011234', description: '18-character resident ID number (GB 11643)' })
  @IsResidentId()
  idNumber!: string;

  @ApiProperty({ example: '张三' })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name!: string;

  @ApiProperty({ example: 2023, description: 'collection season year, as in the policy id' })
  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @ApiProperty({ example: '620725' })
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit division code' })
  regionCode!: string;

  @ApiPropertyOptional({ example: '620725100' })
  @IsOptional()
  @Matches(TOWNSHIP_CODE, { message: 'townshipCode must be a 9-digit division code' })
  townshipCode?: string;

  @ApiPropertyOptional({ example: '620725100001' })
  @IsOptional()
  @Matches(VILLAGE_CODE, { message: 'villageCode must be a 12-digit division code' })
  villageCode?: string;

  @ApiProperty({ enum: ENROLLMENT_KINDS, example: 'NEW' })
  @IsIn(ENROLLMENT_KINDS)
  kind!: EnrollmentKind;

  @ApiPropertyOptional({
    enum: Object.keys(EXTENDED_WINDOW_GROUPS),
    description: 'a group with a longer window (Zhuji migrant workers)',
  })
  @IsOptional()
  @IsIn(Object.keys(EXTENDED_WINDOW_GROUPS))
  extendedGroup?: ExtendedWindowGroup;

  @ApiPropertyOptional({
    enum: Object.keys(LATE_ENROLMENT_GROUPS),
    description: 'kind LATE: the policy group that may enrol after the window',
  })
  @IsOptional()
  @IsIn(Object.keys(LATE_ENROLMENT_GROUPS))
  lateGroup?: LateEnrolmentGroup;

  @ApiPropertyOptional({
    type: EmployeeHistoryDto,
    description: 'lateGroup EMPLOYEE_INSURANCE_LEAVER: the employee insurance history',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => EmployeeHistoryDto)
  employeeHistory?: EmployeeHistoryDto;

  @ApiPropertyOptional({
    example: '居住证 甘张丹 2023-01234',
    description: 'kind NON_LOCAL: proof of residence (居住证, 房产证明…)',
  })
  @IsOptional()
  @MaxLength(200)
  @MinLength(2)
  @IsString()
  residenceProof?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'kind NON_LOCAL: the promise not to be insured at home (承诺未在户籍地参保)',
  })
  @IsOptional()
  @Equals(true, { message: 'notInsuredAtHome must be true when given' })
  notInsuredAtHome?: boolean;

  @ApiPropertyOptional({
    example: '411421',
    description: 'kind TRANSFER_IN: the region the person was insured in before',
  })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'previousRegionCode must be a 6-digit division code' })
  previousRegionCode?: string;

  @ApiPropertyOptional({
    example: '山丹县第一中学',
    description: 'kind STUDENT: the school enrolling its students',
  })
  @IsOptional()
  @MaxLength(100)
  @IsString()
  school?: string;
}
