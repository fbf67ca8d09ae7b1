import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { REGION_CODE } from '@urrbmi/contracts';

/** Check the weekly rankings and milestones of one county-season (or of every one with quotas). */
export class RaiseAlertsCommand {
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  season?: number;

  @IsOptional()
  @Matches(REGION_CODE)
  regionCode?: string;
}
