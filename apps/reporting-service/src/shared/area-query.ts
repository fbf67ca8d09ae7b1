import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';
import { REGION_CODE } from '@urrbmi/contracts';
import { AreaScope, Principal } from '@urrbmi/platform';

export const UNIT_LEVELS = ['COUNTY', 'TOWNSHIP', 'VILLAGE'] as const;

/** The common part of every report query: a season, a county, who asks. */
export class SeasonRegionQuery {
  @Type(() => Number)
  @IsInt({ message: 'season must be a year' })
  @Min(2000)
  @Max(2100)
  season!: number;

  @Matches(REGION_CODE, { message: 'region must be a 6-digit county code' })
  region!: string;

  @IsObject()
  principal!: Principal;
}

export class OptionalRegionQuery {
  @Type(() => Number)
  @IsInt({ message: 'season must be a year' })
  @Min(2000)
  @Max(2100)
  season!: number;

  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a 6-digit county code' })
  region?: string;

  @IsOptional()
  @IsIn(UNIT_LEVELS)
  level?: (typeof UNIT_LEVELS)[number];

  @IsObject()
  principal!: Principal;
}

/** Township keys see their own township and what lies below it, nothing else (not the county). */
export function visibleTo(principal: Principal, unitCode: string): boolean {
  return AreaScope.of(principal).covers(unitCode);
}
