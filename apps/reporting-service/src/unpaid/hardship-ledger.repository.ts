import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface RecordedReason {
  idNumber: string;
  reason: string;
  recordedBy: string;
  recordedAt: string;
}

/** 台账: why a person of a hardship group is not enrolled, as a township recorded it. */
@Injectable()
export class HardshipLedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(idNumber: string, season: number, reason: string, by: string): Promise<RecordedReason> {
    const [r]: { recorded_at: Date }[] = await this.dataSource.query(
      `INSERT INTO reporting.hardship_reason (id_number, season, reason, recorded_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id_number, season) DO UPDATE SET reason = EXCLUDED.reason, recorded_by = EXCLUDED.recorded_by,
         recorded_at = now()
       RETURNING recorded_at`,
      [idNumber, season, reason, by],
    );
    return { idNumber, reason, recordedBy: by, recordedAt: r.recorded_at.toISOString() };
  }

  async reasons(season: number): Promise<Map<string, RecordedReason>> {
    const rows: { id_number: string; reason: string; recorded_by: string; recorded_at: Date }[] =
      await this.dataSource.query(`SELECT * FROM reporting.hardship_reason WHERE season = $1`, [season]);
    return new Map(
      rows.map((r) => [
        r.id_number,
        {
          idNumber: r.id_number,
          reason: r.reason,
          recordedBy: r.recorded_by,
          recordedAt: r.recorded_at.toISOString(),
        },
      ]),
    );
  }
}
