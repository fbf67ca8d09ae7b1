import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface AlertRow {
  alertId: string;
  season: number;
  regionCode: string;
  unitCode: string;
  kind: string;
  since: string;
  weekEnding: string;
  detail: Record<string, unknown>;
  raisedAt: string;
}

@Injectable()
export class AlertRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One check at a time per county-season, across instances. */
  async lock(m: EntityManager, season: number, regionCode: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('reporting.alerts:' || $1 || ':' || $2))`, [
      season,
      regionCode,
    ]);
  }

  /** Inserts the alerts not raised before; returns the ids of those that are new. */
  async insertNew(m: EntityManager, alerts: Omit<AlertRow, 'raisedAt'>[]): Promise<Set<string>> {
    if (alerts.length === 0) return new Set();
    const rows: { alert_id: string }[] = await m.query(
      `INSERT INTO reporting.ranking_alert (alert_id, season, region_code, unit_code, kind, since, week_ending, detail)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::jsonb[])
       ON CONFLICT (season, unit_code, kind, since) DO NOTHING
       RETURNING alert_id`,
      [
        alerts.map((a) => a.alertId),
        alerts.map((a) => a.season),
        alerts.map((a) => a.regionCode),
        alerts.map((a) => a.unitCode),
        alerts.map((a) => a.kind),
        alerts.map((a) => a.since),
        alerts.map((a) => a.weekEnding),
        alerts.map((a) => JSON.stringify(a.detail)),
      ],
    );
    return new Set(rows.map((r) => r.alert_id));
  }

  /** unit → first weeks of the streaks an alert was raised for. */
  async rankedBehindSince(season: number, regionCode: string): Promise<Map<string, string[]>> {
    const rows: { unit_code: string; since: string }[] = await this.dataSource.query(
      `SELECT unit_code, to_char(since, 'YYYY-MM-DD') AS since FROM reporting.ranking_alert
        WHERE season = $1 AND region_code = $2 AND kind = 'RANKED_BEHIND'`,
      [season, regionCode],
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.unit_code, [...(out.get(r.unit_code) ?? []), r.since]);
    return out;
  }

  async list(season: number, regionCode: string | null): Promise<AlertRow[]> {
    const rows: {
      alert_id: string;
      season: number;
      region_code: string;
      unit_code: string;
      kind: string;
      since: string;
      week_ending: string;
      detail: Record<string, unknown>;
      raised_at: Date;
    }[] = await this.dataSource.query(
      `SELECT alert_id, season, region_code, unit_code, kind, to_char(since, 'YYYY-MM-DD') AS since,
              to_char(week_ending, 'YYYY-MM-DD') AS week_ending, detail, raised_at
         FROM reporting.ranking_alert WHERE season = $1 AND ($2::text IS NULL OR region_code = $2)
        ORDER BY week_ending, unit_code, kind`,
      [season, regionCode],
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      season: r.season,
      regionCode: r.region_code,
      unitCode: r.unit_code,
      kind: r.kind,
      since: r.since,
      weekEnding: r.week_ending,
      detail: r.detail,
      raisedAt: r.raised_at.toISOString(),
    }));
  }

  /** County-seasons that have quotas: the ones whose rankings are checked. */
  async rankedSeasons(): Promise<{ season: number; regionCode: string }[]> {
    const rows: { season: number; region_code: string }[] = await this.dataSource.query(
      `SELECT DISTINCT season, region_code FROM reporting.quota_unit ORDER BY season, region_code`,
    );
    return rows.map((r) => ({ season: r.season, regionCode: r.region_code }));
  }
}
