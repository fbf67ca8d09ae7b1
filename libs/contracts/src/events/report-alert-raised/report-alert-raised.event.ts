import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { REGION_CODE } from '../../validators';

export const REPORT_ALERT_KINDS = ['RANKED_BEHIND', 'MILESTONE_MISSED'] as const;
export type ReportAlertKind = (typeof REPORT_ALERT_KINDS)[number];

/**
 * 督导预警: a township or village ranked behind for the policy's number of weeks in a row (MQ: 连续3周
 * 排名倒数第一 → 提醒谈话; ZJ: 连续两周排名落后 → 约谈), or short of a milestone (MQ: 80% by 30 Nov).
 * Raised once per streak (or milestone) and unit. Key: the unit code.
 */
export class ReportAlertRaisedV1 {
  @IsUUID()
  alertId!: string;

  @IsIn(REPORT_ALERT_KINDS)
  kind!: ReportAlertKind;

  @IsInt()
  @Min(2000)
  @Max(2100)
  season!: number;

  @Matches(REGION_CODE)
  regionCode!: string;

  @Matches(/^\d{9}(\d{3})?$/)
  unitCode!: string;

  @IsString()
  @MaxLength(100)
  unitName!: string;

  @IsIn(['TOWNSHIP', 'VILLAGE'])
  level!: 'TOWNSHIP' | 'VILLAGE';

  /** First week (Monday) of the streak, or the milestone's date. */
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  since!: string;

  /** Sunday of the week the streak reached the policy's count, or the milestone's date. */
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  weekEnding!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  consecutiveWeeks?: number;

  /** Completion (enrolled and paid / quota) at `weekEnding`, 4 decimals. */
  @IsNumber()
  @Min(0)
  completionRate!: number;

  /** What the policy says happens next (e.g. 约谈). */
  @IsString()
  @MaxLength(200)
  action!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  raisedAt!: string;
}

export const ReportAlertRaised = defineEvent({
  type: Topics.ReportAlertRaised,
  version: 1,
  payloadClass: ReportAlertRaisedV1,
  keyOf: (p) => p.unitCode,
});
