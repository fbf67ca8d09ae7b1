import { RegionSeasonPolicy } from './policy.model';

export class UnknownPolicyError extends Error {
  constructor(
    readonly regionCode: string,
    readonly season: number,
  ) {
    super(`no policy for region ${regionCode} season ${season}`);
    this.name = 'UnknownPolicyError';
  }
}

/** The loaded policies of a running service, looked up by region (county) and season. */
export class PolicyRegistry {
  constructor(private readonly byId: Map<string, RegionSeasonPolicy>) {}

  all(): RegionSeasonPolicy[] {
    return [...this.byId.values()];
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  find(regionCode: string, season: number): RegionSeasonPolicy | undefined {
    return this.byId.get(`${regionCode.slice(0, 6)}-${season}`);
  }

  /**
   * The region's policy for what happens on `date`: the latest season whose collection has opened
   * (or states no opening) and whose benefit period has not ended; else the region's latest season.
   */
  inForce(regionCode: string, date: string): RegionSeasonPolicy | undefined {
    const own = this.all()
      .filter((p) => p.region.code === regionCode.slice(0, 6))
      .sort((a, b) => b.season - a.season);
    return (
      own.find(
        (p) =>
          (p.collectionWindow.from === null || p.collectionWindow.from <= date) && date <= p.benefitPeriod.to,
      ) ?? own[0]
    );
  }

  get(regionCode: string, season: number): RegionSeasonPolicy {
    const p = this.find(regionCode, season);
    if (!p) throw new UnknownPolicyError(regionCode, season);
    return p;
  }
}
