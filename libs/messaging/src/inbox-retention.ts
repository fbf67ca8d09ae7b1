import { DataSource } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';
import { BackboneLogger, silentLogger } from './backbone-logger';
import { MessagingMetrics } from './messaging-metrics';

/** Inbox rows deleted per statement: short transactions, no long lock on a busy table. */
const DELETE_BATCH = 10_000;

/**
 * Deletes inbox rows handled before `olderThan`; returns how many. The inbox only has to remember an
 * event id for as long as Kafka may deliver that event again (a rebalance, a crash before the offset
 * commit, a DLQ replay): past the retention a redelivery would be applied again, so the retention
 * must exceed the longest replay window (INBOX_RETENTION_DAYS, README).
 */
export async function deleteExpiredInboxRows(
  dataSource: DataSource,
  schema: string,
  olderThan: Date,
): Promise<number> {
  const s = assertIdentifier(schema);
  let total = 0;
  for (;;) {
    const [{ n }]: { n: number }[] = await dataSource.query(
      `WITH gone AS (
         DELETE FROM "${s}".inbox WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM "${s}".inbox WHERE handled_at < $1 LIMIT ${DELETE_BATCH}))
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [olderThan],
    );
    total += n;
    if (n < DELETE_BATCH) return total;
  }
}

export interface InboxRetentionOptions {
  dataSource: DataSource;
  schema: string;
  retentionDays: number;
  /** How often to clean (ms); hourly by default. */
  intervalMs?: number;
  metrics?: MessagingMetrics;
  logger?: BackboneLogger;
}

/** Runs `deleteExpiredInboxRows` shortly after start and then every interval, until stopped. */
export class InboxRetention {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly logger: BackboneLogger;

  constructor(private readonly options: InboxRetentionOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.timer) return;
    const every = this.options.intervalMs ?? 60 * 60_000;
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
    this.first = setTimeout(() => void this.runOnce(), Math.min(every, 30_000));
    this.first.unref();
  }

  /** One cleaning pass; never rejects (a database away now is retried at the next interval). */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        const cutoff = new Date(Date.now() - this.options.retentionDays * 86_400_000);
        const deleted = await deleteExpiredInboxRows(this.options.dataSource, this.options.schema, cutoff);
        this.options.metrics?.inboxRowsDeleted.inc(deleted);
        if (deleted > 0)
          this.logger.info('inbox rows past retention deleted', {
            schema: this.options.schema,
            deleted,
            retentionDays: this.options.retentionDays,
          });
      } catch (e) {
        this.logger.warn('inbox cleanup failed; retried at the next interval', {
          schema: this.options.schema,
          error: (e as Error).message,
        });
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.first);
    this.timer = undefined;
    await this.running;
  }
}
