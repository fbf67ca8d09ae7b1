import { Injectable } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import { TOWNSHIP_CODE, VILLAGE_CODE } from '@urrbmi/contracts';
import { assertAreaVisible } from '@urrbmi/platform';
import { PersonStateRepository, UnpaidPerson } from '../facts/person-state.repository';
import { SeasonRegionQuery } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';

export class ListUnpaidQuery extends SeasonRegionQuery {
  @IsOptional()
  @Matches(TOWNSHIP_CODE, { message: 'township must be a 9-digit code' })
  township?: string;

  @IsOptional()
  @Matches(VILLAGE_CODE, { message: 'village must be a 12-digit code' })
  village?: string;
}

/** 精准催缴: per village, the registered people who have not (or no longer) paid. */
@Injectable()
export class ListUnpaidHandler implements CommandHandler<ListUnpaidQuery, UnpaidPerson[]> {
  constructor(private readonly persons: PersonStateRepository) {}

  execute(q: ListUnpaidQuery): Promise<UnpaidPerson[]> {
    const township = q.township ?? q.village?.slice(0, 9) ?? q.principal.townshipCode;
    assertAreaVisible(q.principal, township);
    if (q.village && township && !q.village.startsWith(township)) return Promise.resolve([]);
    return this.persons.unpaid(q.season, q.region, township ?? null, q.village ?? null);
  }
}
