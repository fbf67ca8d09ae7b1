import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { StructuredLogger } from '@urrbmi/platform';
import { createCommand } from '@urrbmi/platform';
import { GetQueueStatusHandler, GetQueueStatusQuery, QueueStatus } from './get-queue-status.handler';

/**
 * The ops view as Prometheus gauges on /metrics, computed at scrape time (alert rules and the Grafana
 * dashboard in k8s/monitoring use these names).
 */
@Injectable()
export class OpsMetrics implements OnModuleInit {
  constructor(
    private readonly registry: Registry,
    private readonly queueStatus: GetQueueStatusHandler,
    private readonly logger: StructuredLogger,
  ) {}

  onModuleInit(): void {
    const registers = [this.registry];
    const status = () =>
      this.queueStatus
        .execute(createCommand(GetQueueStatusQuery, { allowCached: true }))
        .catch((e: unknown) => {
          this.logger.warn('ops metrics: queue status unavailable', { error: String(e) });
          return undefined;
        });
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      fill: (g: Gauge<L>, s: QueueStatus) => void,
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const s = await status();
          this.reset();
          if (s) fill(this, s);
        },
      });
    gauge(
      'reporting_consumer_group_lag',
      'Consumer lag per group, topic and partition (Kafka admin API)',
      ['group', 'topic', 'partition'],
      (g, s) => {
        for (const c of s.consumerGroups)
          for (const t of c.topics)
            for (const p of t.partitions)
              g.set({ group: c.groupId, topic: t.topic, partition: String(p.partition) }, p.lag);
      },
    );
    gauge('reporting_dead_letter_messages', 'Messages in each dead-letter topic', ['topic'], (g, s) => {
      for (const d of s.deadLetters) g.set({ topic: d.topic }, d.messages);
    });
    gauge('reporting_outbox_backlog', "Each service's outbox rows not yet published", ['service'], (g, s) => {
      for (const b of s.outboxBacklogs) if (b.backlog !== null) g.set({ service: b.service }, b.backlog);
    });
    gauge(
      'reporting_feed_late',
      "1 when the region's latest expected daily feed is late and has not arrived",
      ['region'],
      (g, s) => {
        for (const f of s.feeds) g.set({ region: f.regionCode }, f.late ? 1 : 0);
      },
    );
    gauge(
      'reporting_last_feed_received_timestamp_seconds',
      'When the last daily feed of the region was accepted',
      ['region'],
      (g, s) => {
        for (const f of s.feeds)
          if (f.lastReceivedAt)
            g.set({ region: f.regionCode }, Math.floor(Date.parse(f.lastReceivedAt) / 1000));
      },
    );
  }
}
