import { DataSource, EntityManager } from 'typeorm';

export interface FactCounts {
  [table: string]: number;
}

/** Per logical topic and partition, the offset a replay goes up to (exclusive). */
export type ReplayTargets = Record<string, Record<number, number>>;

export interface RebuildRun {
  groupId: string;
  replayTo: ReplayTargets;
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

  /** The latest rebuild begun and not finished, if any. */
  async unfinishedRun(): Promise<RebuildRun | null> {
    const rows: { group_id: string; replay_to: ReplayTargets }[] = await this.dataSource.query(
      `SELECT group_id, replay_to FROM reporting.rebuild_run WHERE finished_at IS NULL
        ORDER BY started_at DESC LIMIT 1`,
    );
    return rows.length ? { groupId: rows[0].group_id, replayTo: rows[0].replay_to } : null;
  }

  /** Inside the transaction that emptied the facts: the run begins with them. */
  async beginRun(m: EntityManager, run: RebuildRun): Promise<void> {
    await m.query(`INSERT INTO reporting.rebuild_run (group_id, replay_to) VALUES ($1, $2)`, [
      run.groupId,
      JSON.stringify(run.replayTo),
    ]);
  }

  async finishRun(groupId: string): Promise<void> {
    await this.dataSource.query(`UPDATE reporting.rebuild_run SET finished_at = now() WHERE group_id = $1`, [
      groupId,
    ]);
  }

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
