import { Injectable } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import { SeasonRegionQuery } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { CollectionsRepository, DailyCollectionRow } from './collections.repository';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class GetDailyCollectionsQuery extends SeasonRegionQuery {
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;
}

/** 每日征收: money collected per day (Asia/Shanghai) and channel; a township sees its own payments. */
@Injectable()
export class GetDailyCollectionsHandler implements CommandHandler<
  GetDailyCollectionsQuery,
  DailyCollectionRow[]
> {
  constructor(private readonly collections: CollectionsRepository) {}

  execute(q: GetDailyCollectionsQuery): Promise<DailyCollectionRow[]> {
    return this.collections.daily(
      q.season,
      q.region,
      q.principal.townshipCode ?? null,
      q.from ?? null,
      q.to ?? null,
    );
  }
}
