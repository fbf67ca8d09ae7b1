import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus figures for the event backbone of one service. */
export class MessagingMetrics {
  readonly produced: Counter<'topic'>;
  readonly consumed: Counter<'topic' | 'group'>;
  readonly duplicates: Counter<'topic' | 'group'>;
  readonly deadLettered: Counter<'topic' | 'group'>;
  readonly outboxBacklog: Gauge;
  readonly outboxPublishFailures: Counter;
  readonly batchDuration: Histogram<'topic' | 'group'>;
  readonly consumerLag: Gauge<'topic' | 'group' | 'partition'>;
  readonly transientRetries: Counter<'topic' | 'group'>;
  readonly inboxRowsDeleted: Counter;
  readonly outboxSetAside: Gauge;
  readonly outboxSetAsideTotal: Counter<'topic'>;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.produced = new Counter({
      name: 'messaging_events_produced_total',
      help: 'Events published from the outbox',
      labelNames: ['topic'],
      registers,
    });
    this.consumed = new Counter({
      name: 'messaging_events_consumed_total',
      help: 'Events applied by idempotent consumers',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'messaging_events_duplicate_total',
      help: 'Redelivered events skipped by the inbox',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'messaging_events_dead_lettered_total',
      help: 'Poison messages sent to <topic>.dlq',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.outboxBacklog = new Gauge({
      name: 'messaging_outbox_backlog',
      help: 'Outbox rows committed but not yet published',
      registers,
    });
    this.outboxPublishFailures = new Counter({
      name: 'messaging_outbox_publish_failures_total',
      help: 'Failed attempts to publish an outbox batch',
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'messaging_batch_duration_seconds',
      help: 'Time to apply one consumed batch (transaction and offset commit)',
      labelNames: ['topic', 'group'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'messaging_consumer_lag',
      help: 'High watermark minus committed offset',
      labelNames: ['topic', 'group', 'partition'],
      registers,
    });
    this.transientRetries = new Counter({
      name: 'messaging_batch_transient_retries_total',
      help: 'Batch transactions retried after a transient failure (database away, deadlock, timeout, ...)',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.inboxRowsDeleted = new Counter({
      name: 'messaging_inbox_rows_deleted_total',
      help: 'Inbox rows deleted after INBOX_RETENTION_DAYS',
      registers,
    });
    this.outboxSetAside = new Gauge({
      name: 'messaging_outbox_set_aside',
      help: 'Outbox rows the broker will not take (too large, rejected), set aside with their reason',
      registers,
    });
    this.outboxSetAsideTotal = new Counter({
      name: 'messaging_outbox_set_aside_total',
      help: 'Outbox rows set aside since start, by topic',
      labelNames: ['topic'],
      registers,
    });
  }
}
