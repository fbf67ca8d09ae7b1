import { DataSource } from 'typeorm';

export interface FactCounts {
  [table: string]: number;
}

const FACT_TABLES = [
  'fact_registration',
  'fact_activation',
  'fact_cancellation',
  'fact_payment',
  'fact_reversal',
  'fact_assessment',
  'fact_refund',
  'fact_transfer',
  'fact_feed',
  'fact_feed_late',
] as const;

/** What the rebuild needs of the database besides the projections themselves. */
export class RebuildRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The inbox rows of the replaying group: it is thrown away after the replay. */
  async forgetGroup(groupId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM reporting.inbox WHERE consumer_group = $1`, [groupId]);
  }

  async factCounts(): Promise<FactCounts> {
    const out: FactCounts = {};
    for (const t of FACT_TABLES) {
      const [r]: { n: string }[] = await this.dataSource.query(`SELECT count(*) AS n FROM reporting.${t}`);
      out[t] = Number(r.n);
    }
    return out;
  }
}
