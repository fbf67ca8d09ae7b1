import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { completionRate, PolicyRegistry } from '@urrbmi/policy';
import { PersonStateRepository, UnitCounts, UnitLevel } from '../facts/person-state.repository';
import { QuotaRepository, QuotaUnit } from '../quotas/quota.repository';
import { OptionalRegionQuery, visibleTo } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';

export class GetProgressQuery extends OptionalRegionQuery {}

export class ProgressRow {
  @ApiProperty({ example: 2023 }) season!: number;
  @ApiProperty({ example: '341323' }) regionCode!: string;
  @ApiProperty({ enum: ['COUNTY', 'TOWNSHIP', 'VILLAGE'] }) level!: UnitLevel;
  @ApiProperty({ example: '341323100001' }) unitCode!: string;
  @ApiPropertyOptional({ example: '姜山村', nullable: true }) unitName!: string | null;
  @ApiPropertyOptional({ example: '341323100', nullable: true }) parentCode!: string | null;
  @ApiPropertyOptional({ example: 1981, nullable: true, description: '任务数; null when no quota' })
  quota!: number | null;
  @ApiProperty() registered!: number;
  @ApiProperty({ description: 'people with net payments of their own (not PROXY) > 0' }) paid!: number;
  @ApiProperty({ description: 'people paid for by a department (PROXY, 代缴)' }) proxyPaid!: number;
  @ApiProperty({ description: 'enrolled and paid: activated, not cancelled, not reversed' }) active!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() refunded!: number;
  @ApiProperty() refundedFen!: number;
  @ApiProperty({ description: 'net payments (payments minus reversals), fen' }) collectedFen!: number;
  @ApiPropertyOptional({ example: 0.8123, nullable: true, description: 'active / quota, 4 decimals' })
  completionRate!: number | null;
  @ApiPropertyOptional({
    nullable: true,
    description:
      'village work subsidy (工作经费补助): active × the policy amount per payer, fen; villages only',
  })
  villageWorkSubsidyFen!: number | null;
}

const EMPTY: Omit<UnitCounts, 'regionCode' | 'level' | 'unitCode'> = {
  registered: 0,
  paid: 0,
  proxyPaid: 0,
  active: 0,
  cancelled: 0,
  refunded: 0,
  refundedFen: 0,
  collectedFen: 0,
};
const LEVEL_ORDER = { COUNTY: 0, TOWNSHIP: 1, VILLAGE: 2 };

/** Progress per county, township and village against the quota (任务完成率). */
@Injectable()
export class GetProgressHandler implements CommandHandler<GetProgressQuery, ProgressRow[]> {
  constructor(
    private readonly persons: PersonStateRepository,
    private readonly quotas: QuotaRepository,
    private readonly policies: PolicyRegistry,
  ) {}

  async execute(q: GetProgressQuery): Promise<ProgressRow[]> {
    const [counts, units] = await Promise.all([
      this.persons.unitCounts(q.season, q.region ?? null, 'infinity'),
      this.quotas.units(q.season, q.region ?? null),
    ]);
    return mergeProgress(q.season, counts, units, this.policies)
      .filter((r) => !q.level || r.level === q.level)
      .filter((r) => visibleTo(q.principal, r.unitCode));
  }
}

/** Every unit with a quota or with people, its counts and its completion rate. */
export function mergeProgress(
  season: number,
  counts: UnitCounts[],
  units: QuotaUnit[],
  policies: PolicyRegistry,
): ProgressRow[] {
  const byCode = new Map(counts.map((c) => [c.unitCode, c]));
  const quotaByCode = new Map(units.map((u) => [u.unitCode, u]));
  const codes = new Set([...byCode.keys(), ...quotaByCode.keys()]);
  const rows: ProgressRow[] = [];
  for (const code of codes) {
    const c = byCode.get(code);
    const u = quotaByCode.get(code);
    const regionCode = (c?.regionCode ?? u?.regionCode ?? code).slice(0, 6);
    const level = (c?.level ?? u?.level) as UnitLevel;
    const figures = c ?? { ...EMPTY };
    const perPayer = policies.find(regionCode, season)?.supervision.villageWorkSubsidyFenPerPayer ?? null;
    rows.push({
      season,
      regionCode,
      level,
      unitCode: code,
      unitName: u?.unitName ?? null,
      parentCode: u?.parentCode ?? (level === 'COUNTY' ? null : code.slice(0, level === 'VILLAGE' ? 9 : 6)),
      quota: u?.quota ?? null,
      registered: figures.registered,
      paid: figures.paid,
      proxyPaid: figures.proxyPaid,
      active: figures.active,
      cancelled: figures.cancelled,
      refunded: figures.refunded,
      refundedFen: figures.refundedFen,
      collectedFen: figures.collectedFen,
      completionRate: u && u.quota > 0 ? completionRate(figures.active, u.quota) : null,
      villageWorkSubsidyFen: level === 'VILLAGE' && perPayer !== null ? figures.active * perPayer : null,
    });
  }
  return rows.sort(
    (a, b) =>
      a.regionCode.localeCompare(b.regionCode) ||
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      a.unitCode.localeCompare(b.unitCode),
  );
}
