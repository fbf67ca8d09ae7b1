import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { QuotaLevel, QuotaTable, TotalMismatch } from './quota-table';

export interface QuotaUnit {
  season: number;
  regionCode: string;
  unitCode: string;
  unitName: string;
  parentCode: string | null;
  level: QuotaLevel;
  quota: number;
  population: number | null;
}

export interface QuotaImportRecord {
  id: string;
  season: number;
  regionCode: string;
  source: string;
  importedBy: string;
  units: number;
  rowsTotal: number;
  mismatches: TotalMismatch[];
  importedAt: string;
}

@Injectable()
export class QuotaRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A table replaces the county's table for that season, whole (a snapshot, like a roster). */
  async replace(m: EntityManager, table: QuotaTable): Promise<void> {
    await m.query(`DELETE FROM reporting.quota_unit WHERE season = $1 AND region_code = $2`, [
      table.season,
      table.regionCode,
    ]);
    const r = table.rows;
    await m.query(
      `INSERT INTO reporting.quota_unit (season, region_code, unit_code, unit_name, parent_code, level, quota, population)
       SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[])`,
      [
        table.season,
        table.regionCode,
        r.map((x) => x.unitCode),
        r.map((x) => x.unitName),
        r.map((x) => x.parentCode),
        r.map((x) => x.level),
        r.map((x) => x.quota),
        r.map((x) => x.population),
      ],
    );
  }

  async recordImport(
    m: EntityManager,
    rec: Omit<QuotaImportRecord, 'importedAt'>,
  ): Promise<QuotaImportRecord> {
    const [row]: { imported_at: Date }[] = await m.query(
      `INSERT INTO reporting.quota_import (id, season, region_code, source, imported_by, units, rows_total, mismatches)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING imported_at`,
      [
        rec.id,
        rec.season,
        rec.regionCode,
        rec.source,
        rec.importedBy,
        rec.units,
        rec.rowsTotal,
        JSON.stringify(rec.mismatches),
      ],
    );
    return { ...rec, importedAt: row.imported_at.toISOString() };
  }

  async hasTable(season: number, regionCode: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM reporting.quota_unit WHERE season = $1 AND region_code = $2 LIMIT 1`,
      [season, regionCode],
    );
    return rows.length > 0;
  }

  /** Serialises imports of one county-season (the boot loader of several instances, a clerk). */
  async lockTable(m: EntityManager, season: number, regionCode: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('reporting.quota:' || $1 || ':' || $2))`, [
      season,
      regionCode,
    ]);
  }

  async existsIn(m: EntityManager, season: number, regionCode: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM reporting.quota_unit WHERE season = $1 AND region_code = $2 LIMIT 1`,
      [season, regionCode],
    );
    return rows.length > 0;
  }

  async units(season: number, regionCode: string | null): Promise<QuotaUnit[]> {
    const rows: {
      season: number;
      region_code: string;
      unit_code: string;
      unit_name: string;
      parent_code: string | null;
      level: QuotaLevel;
      quota: number;
      population: number | null;
    }[] = await this.dataSource.query(
      `SELECT * FROM reporting.quota_unit WHERE season = $1 AND ($2::text IS NULL OR region_code = $2)
        ORDER BY region_code, unit_code`,
      [season, regionCode],
    );
    return rows.map((r) => ({
      season: r.season,
      regionCode: r.region_code,
      unitCode: r.unit_code,
      unitName: r.unit_name,
      parentCode: r.parent_code,
      level: r.level,
      quota: r.quota,
      population: r.population,
    }));
  }

  async latestImport(season: number, regionCode: string): Promise<QuotaImportRecord | undefined> {
    const [r]: {
      id: string;
      season: number;
      region_code: string;
      source: string;
      imported_by: string;
      units: number;
      rows_total: number;
      mismatches: TotalMismatch[];
      imported_at: Date;
    }[] = await this.dataSource.query(
      `SELECT * FROM reporting.quota_import WHERE season = $1 AND region_code = $2
        ORDER BY imported_at DESC, id DESC LIMIT 1`,
      [season, regionCode],
    );
    return r
      ? {
          id: r.id,
          season: r.season,
          regionCode: r.region_code,
          source: r.source,
          importedBy: r.imported_by,
          units: r.units,
          rowsTotal: r.rows_total,
          mismatches: r.mismatches,
          importedAt: r.imported_at.toISOString(),
        }
      : undefined;
  }
}
