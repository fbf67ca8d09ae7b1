import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Which months were matched, by whom, how often. */
@Injectable()
export class MatchRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One run at a time (for the transaction): concurrent runs would race on the same people. */
  async lockRuns(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('subsidy-match'))`);
  }

  async record(
    m: EntityManager,
    month: string,
    trigger: string,
    transfersCreated: number,
    at: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO subsidy.match_runs (month, trigger, transfers_created, first_run_at, last_run_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (month) DO UPDATE SET runs = subsidy.match_runs.runs + 1, last_run_at = EXCLUDED.last_run_at,
         transfers_created = subsidy.match_runs.transfers_created + EXCLUDED.transfers_created`,
      [month, trigger, transfersCreated, at],
    );
  }

  /** Whether month M was matched already (by the scheduler or on demand). */
  async hasRun(month: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM subsidy.match_runs WHERE month = $1`, [
      month,
    ]);
    return rows.length > 0;
  }
}
