import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  EXTENDED_WINDOW_GROUPS,
  ExtendedWindowGroup,
  FUNDING_SOURCES,
  FundingSource,
  LATE_ENROLMENT_GROUPS,
  LateEnrolmentGroup,
  PAYOUT_ROUTES,
  PayoutRoute,
  SUBSIDY_CATEGORY_CODES,
  SUBSIDY_MODES,
  SubsidyCategory,
  SubsidyMode,
} from './categories';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMsg = { message: '$property must be a date YYYY-MM-DD' };
/** `null` is allowed only where the file also says why in `unstated` (checked by the loader). */
const nullable = ValidateIf((_o, v) => v !== null);

/**
 * Every section of a policy says where its values come from (`source`: seed tag and section of the
 * notice), and lists in `unstated` each value the seed does not state, with the reason.
 */
abstract class Sourced {
  @IsString()
  @MinLength(3)
  source!: string;

  @IsOptional()
  @IsObject()
  unstated?: Record<string, string>;

  /** Values given although the seed does not state them, each with the reason it was assumed. */
  @IsOptional()
  @IsObject()
  assumed?: Record<string, string>;
}

export class RegionRef extends Sourced {
  @Matches(/^\d{6}$/, { message: 'code must be a 6-digit division code' })
  code!: string;

  @IsString()
  @MinLength(2)
  name!: string;
}

export class DateWindow extends Sourced {
  @nullable
  @Matches(DATE, dateMsg)
  from!: string | null;

  @Matches(DATE, dateMsg)
  to!: string;
}

export class ExtendedWindow extends Sourced {
  @IsIn(Object.keys(EXTENDED_WINDOW_GROUPS))
  group!: ExtendedWindowGroup;

  @Matches(DATE, dateMsg)
  to!: string;
}

export class Contribution extends Sourced {
  /** 个人缴费标准, per person per year, adults and children alike. */
  @Min(0)
  @IsInt()
  individualFen!: number;

  /** 财政补助 per person per year (a minimum where the notice says 不低于). */
  @nullable
  @Min(0)
  @IsInt()
  fiscalSubsidyFen!: number | null;
}

export class SubsidyRule extends Sourced {
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(SUBSIDY_CATEGORY_CODES, { each: true })
  categories!: SubsidyCategory[];

  @nullable
  @Min(0)
  @IsInt()
  amountFen!: number | null;

  @IsIn(SUBSIDY_MODES)
  mode!: SubsidyMode;

  @IsIn(FUNDING_SOURCES)
  funding!: FundingSource;

  @IsIn(PAYOUT_ROUTES)
  route!: PayoutRoute;
}

export class Eligibility extends Sourced {
  /** 困难身份认定地参保方可享受资助: identities certified in another region are ignored. */
  @nullable
  @IsBoolean()
  requireCertificationInEnrolmentRegion!: boolean | null;

  /** 就高不重复: one subsidy, the highest. Every seed that speaks of it says so. */
  @IsIn(['HIGHEST_ONLY'])
  multipleIdentities!: 'HIGHEST_ONLY';

  /** After this date no new subsidised enrolment, except the dynamic additions (动态新增救助对象). */
  @nullable
  @Matches(DATE, dateMsg)
  subsidisedEnrolmentUntil!: string | null;
}

export class MonthlyMatch extends Sourced {
  @IsBoolean()
  enabled!: boolean;

  /** Modes whose people, having paid in full, get the subsidy transferred after certification. */
  @IsArray()
  @IsIn(SUBSIDY_MODES, { each: true })
  modes!: SubsidyMode[];

  /** 当月参保、次月资助: transfer in month M + offset. */
  @nullable
  @Min(0)
  @Max(12)
  @IsInt()
  transferMonthOffset!: number | null;

  /** 不再追补资助或追回资金: a later change of identity changes nothing this season. */
  @nullable
  @IsBoolean()
  noClawBack!: boolean | null;

  /** Route of transfers for DIFFERENCE-mode subsidies (REIMBURSE rules carry their own route). */
  @nullable
  @IsIn(PAYOUT_ROUTES)
  transferRoute!: PayoutRoute | null;
}

export class NewbornRule extends Sourced {
  /** 出生之日起 N 日内 */
  @IsOptional()
  @Min(1)
  @IsInt()
  days?: number;

  /** 出生之日起 N 个月内 */
  @IsOptional()
  @Min(1)
  @IsInt()
  months?: number;

  @nullable
  @IsIn(['BIRTH_DATE'])
  benefitsFrom!: 'BIRTH_DATE' | null;
}

export class EmployeeLeaverRule {
  @Min(0)
  @IsInt()
  minContinuousYears!: number;

  @Min(0)
  @IsInt()
  maxGapMonths!: number;

  @Min(0)
  @IsInt()
  waitingMonthsOverGap!: number;
}

export class LateEnrolment extends Sourced {
  @IsArray()
  @IsIn(Object.keys(LATE_ENROLMENT_GROUPS), { each: true })
  groups!: LateEnrolmentGroup[];

  /** 自参保缴费次日起享受待遇 */
  @nullable
  @IsIn(['DAY_AFTER_PAYMENT'])
  benefitStart!: 'DAY_AFTER_PAYMENT' | null;

  @nullable
  @ValidateNested()
  @Type(() => EmployeeLeaverRule)
  employeeLeaver!: EmployeeLeaverRule | null;
}

export class EmployeeSwitch extends Sourced {
  @Min(0)
  @IsInt()
  minContinuousYears!: number;

  @Min(0)
  @IsInt()
  maxGapMonths!: number;

  @Min(0)
  @IsInt()
  waitingMonths!: number;
}

export class RefundRules extends Sourced {
  /** 重复参保缴费，待遇享受期开始后，个人缴费不再退回 */
  @nullable
  @IsBoolean()
  doubleCoverRefundableAfterBenefitStart!: boolean | null;
}

export class Milestone {
  @Matches(DATE, dateMsg)
  by!: string;

  @IsNumber()
  @Min(0)
  @Max(1)
  share!: number;
}

export class RankingRule {
  @IsIn(['WEEKLY'])
  cadence!: 'WEEKLY';

  @IsIn(['TOWNSHIP', 'VILLAGE'])
  unit!: 'TOWNSHIP' | 'VILLAGE';

  /** LAST: ranked last (倒数第一); BOTTOM_N: among the bottom `bottomN` (a local setting). */
  @IsIn(['LAST', 'BOTTOM_N'])
  behind!: 'LAST' | 'BOTTOM_N';

  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Min(1)
  @IsInt()
  bottomN?: number | null;

  @Min(1)
  @IsInt()
  consecutiveWeeks!: number;

  @IsString()
  action!: string;

  @IsOptional()
  @IsObject()
  unstated?: Record<string, string>;
}

export class Supervision extends Sourced {
  /** 每参保缴费一人 N 元 工作经费补助 to the village. */
  @nullable
  @Min(0)
  @IsInt()
  villageWorkSubsidyFenPerPayer!: number | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Milestone)
  milestones!: Milestone[];

  @nullable
  @ValidateNested()
  @Type(() => RankingRule)
  ranking!: RankingRule | null;
}

/** One region's rules for one collection season: the whole of what code may depend on. */
export class RegionSeasonPolicy {
  @Matches(/^\d{6}-\d{4}$/, { message: 'id must be <region code>-<season>, e.g. 620725-2023' })
  id!: string;

  @ValidateNested()
  @Type(() => RegionRef)
  region!: RegionRef;

  /** The collection season year, as in the policy id and the tax feed's `season` column. */
  @Min(2000)
  @Max(2100)
  @IsInt()
  season!: number;

  @IsArray()
  @ArrayNotEmpty()
  @IsIn(['S21', 'S23', 'MQ', 'ZJ'], { each: true })
  seeds!: string[];

  @ValidateNested()
  @Type(() => DateWindow)
  collectionWindow!: DateWindow;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ExtendedWindow)
  extendedWindows!: ExtendedWindow[];

  @ValidateNested()
  @Type(() => DateWindow)
  benefitPeriod!: DateWindow;

  @ValidateNested()
  @Type(() => Contribution)
  contribution!: Contribution;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SubsidyRule)
  subsidies!: SubsidyRule[];

  @ValidateNested()
  @Type(() => Eligibility)
  eligibility!: Eligibility;

  @ValidateNested()
  @Type(() => MonthlyMatch)
  monthlyMatch!: MonthlyMatch;

  @ValidateNested()
  @Type(() => NewbornRule)
  newborn!: NewbornRule;

  @ValidateNested()
  @Type(() => LateEnrolment)
  lateEnrolment!: LateEnrolment;

  @nullable
  @ValidateNested()
  @Type(() => EmployeeSwitch)
  employeeSwitch!: EmployeeSwitch | null;

  @ValidateNested()
  @Type(() => RefundRules)
  refunds!: RefundRules;

  @ValidateNested()
  @Type(() => Supervision)
  supervision!: Supervision;

  /** Why whole sections are null (e.g. `employeeSwitch`). */
  @IsOptional()
  @IsObject()
  unstated?: Record<string, string>;
}
