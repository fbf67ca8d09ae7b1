import { Injectable } from '@nestjs/common';
import { SeasonRegionQuery } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { QuotaImportRecord, QuotaRepository, QuotaUnit } from './quota.repository';

/** A county's quota table for a season. */
export class ListQuotasQuery extends SeasonRegionQuery {}

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
