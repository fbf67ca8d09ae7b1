import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  ENROLLMENT_KINDS,
  EnrollmentKind,
  IsResidentId,
  REGION_CODE,
  TOWNSHIP_CODE,
  VILLAGE_CODE,
} from '@urrbmi/contracts';

/** `POST /v1/enrollments` body: one person for one season (参保登记). */
export class RegisterEnrollmentCommand {
  @ApiProperty({ example: '620725199001011234', description: '18-character resident ID number (GB 11643)' })
  @IsResidentId()
  idNumber!: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 2023, description: 'collection season year, as in the policy id' })
  @IsInt()
  @Min(2000)
  @Max(2100)
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
}
