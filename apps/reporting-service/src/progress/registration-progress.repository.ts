import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EnrollmentRegisteredV1 } from '@urrbmi/contracts';

export interface ProgressRow {
  season: number;
  regionCode: string;
  townshipCode: string | null;
  villageCode: string | null;
  registered: number;
}

@Injectable()
export class RegistrationProgressRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement for the whole batch: count per area, then add. */
  async addRegistrations(manager: EntityManager, events: EnrollmentRegisteredV1[]): Promise<void> {
    await manager.query(
      `INSERT INTO reporting.registration_progress AS p (season, region_code, township_code, village_code, registered)
       SELECT s, r, t, v, count(*) FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS e(s, r, t, v)
       GROUP BY s, r, t, v
       ON CONFLICT (season, region_code, township_code, village_code)
       DO UPDATE SET registered = p.registered + EXCLUDED.registered, updated_at = now()`,
      [
        events.map((e) => e.season),
        events.map((e) => e.regionCode),
        events.map((e) => e.townshipCode ?? ''),
        events.map((e) => e.villageCode ?? ''),
      ],
    );
  }

  async list(season: number, townshipCode?: string): Promise<ProgressRow[]> {
    const rows: {
      season: number;
      region_code: string;
      township_code: string;
      village_code: string;
      registered: number;
    }[] = await this.dataSource.query(
      `SELECT season, region_code, township_code, village_code, registered FROM reporting.registration_progress
          WHERE season = $1 AND ($2::text IS NULL OR township_code = $2)
          ORDER BY region_code, township_code, village_code`,
      [season, townshipCode ?? null],
    );
    return rows.map((r) => ({
      season: r.season,
      regionCode: r.region_code,
      townshipCode: r.township_code || null,
      villageCode: r.village_code || null,
      registered: r.registered,
    }));
  }
}
