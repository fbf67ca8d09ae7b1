import { Injectable } from '@nestjs/common';
import { SeasonRegionQuery } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { CollectionsRepository, SubsidyAssessedRow, SubsidyTransferRow } from './collections.repository';

export class GetSubsidyTotalsQuery extends SeasonRegionQuery {}

export interface SubsidyTotals {
  assessed: SubsidyAssessedRow[];
  transfers: SubsidyTransferRow[];
}

/** 资助参保: subsidies assessed by category, mode and route; one-card transfers requested and settled. */
@Injectable()
export class GetSubsidyTotalsHandler implements CommandHandler<GetSubsidyTotalsQuery, SubsidyTotals> {
  constructor(private readonly collections: CollectionsRepository) {}

  async execute(q: GetSubsidyTotalsQuery): Promise<SubsidyTotals> {
    const [assessed, transfers] = await Promise.all([
      this.collections.subsidiesAssessed(q.season, q.region),
      this.collections.subsidyTransfers(q.season, q.region),
    ]);
    return { assessed, transfers };
  }
}
