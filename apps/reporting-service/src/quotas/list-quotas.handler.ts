import { Injectable } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsObject, Matches, Max, Min } from 'class-validator';
import { REGION_CODE } from '@urrbmi/contracts';
import { Principal } from '@urrbmi/platform';
import { CommandHandler } from '../shared/command';
import { QuotaImportRecord, QuotaRepository, QuotaUnit } from './quota.repository';

export class ListQuotasQuery {
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

export interface QuotaTableView {
  season: number;
  regionCode: string;
  units: QuotaUnit[];
  latestImport: QuotaImportRecord | null;
}

@Injectable()
export class ListQuotasHandler implements CommandHandler<ListQuotasQuery, QuotaTableView> {
  constructor(private readonly quotas: QuotaRepository) {}

  async execute(q: ListQuotasQuery): Promise<QuotaTableView> {
    const own = q.principal.townshipCode;
    const units = (await this.quotas.units(q.season, q.region)).filter(
      (u) => !own || u.unitCode.startsWith(own),
    );
    return {
      season: q.season,
      regionCode: q.region,
      units,
      latestImport: (await this.quotas.latestImport(q.season, q.region)) ?? null,
    };
  }
}
