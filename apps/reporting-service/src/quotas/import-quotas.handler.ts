import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { readTabularRows } from '@urrbmi/files';
import { CommandHandler } from '@urrbmi/platform';
import { ImportQuotasCommand } from './import-quotas.command';
import { QuotaErrors } from './quota.errors';
import { checkQuotaTable, isRowProblem, parseQuotaRow, QuotaRow, RowProblem } from './quota-table';
import { QuotaImportRecord, QuotaRepository } from './quota.repository';

export interface QuotaImportResult extends QuotaImportRecord {
  /** False when a boot load found the county-season already had a table. */
  imported: boolean;
  /** True when every declared total agrees with its rows. */
  totalsAgree: boolean;
}

/** Checks a whole table, then replaces the county-season's quotas in one transaction. */
@Injectable()
export class ImportQuotasHandler implements CommandHandler<ImportQuotasCommand, QuotaImportResult> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly quotas: QuotaRepository,
  ) {}

  async execute(cmd: ImportQuotasCommand): Promise<QuotaImportResult> {
    const rows: QuotaRow[] = [];
    const problems: RowProblem[] = [];
    for await (const r of readTabularRows(cmd.file, cmd.contentType)) {
      const parsed = parseQuotaRow(r.line, r.values);
      if (isRowProblem(parsed)) problems.push(parsed);
      else rows.push(parsed);
      if (rows.length + problems.length > 100_000)
        throw QuotaErrors.TOO_MANY_ROWS('a quota table has at most 100,000 rows');
    }
    const checked = problems.length > 0 ? { problems } : checkQuotaTable(rows, cmd.declaredTotal);
    if (!checked.table)
      throw QuotaErrors.INVALID_QUOTA_TABLE('the quota table has errors; nothing was stored', {
        problems: checked.problems,
      });
    const table = checked.table;
    return inTransaction(this.dataSource, async (m) => {
      await this.quotas.lockTable(m, table.season, table.regionCode);
      if (cmd.onlyIfMissing && (await this.quotas.existsIn(m, table.season, table.regionCode))) {
        const latest = await this.quotas.latestImport(table.season, table.regionCode);
        return {
          id: latest?.id ?? '',
          season: table.season,
          regionCode: table.regionCode,
          source: latest?.source ?? cmd.source,
          importedBy: latest?.importedBy ?? cmd.importedBy,
          units: table.rows.length,
          rowsTotal: table.rowsTotal,
          mismatches: table.mismatches,
          importedAt: latest?.importedAt ?? '',
          imported: false,
          totalsAgree: table.mismatches.length === 0,
        };
      }
      await this.quotas.replace(m, table);
      const rec = await this.quotas.recordImport(m, {
        id: randomUUID(),
        season: table.season,
        regionCode: table.regionCode,
        source: cmd.source,
        importedBy: cmd.importedBy,
        units: table.rows.length,
        rowsTotal: table.rowsTotal,
        mismatches: table.mismatches,
      });
      return { ...rec, imported: true, totalsAgree: table.mismatches.length === 0 };
    });
  }
}
