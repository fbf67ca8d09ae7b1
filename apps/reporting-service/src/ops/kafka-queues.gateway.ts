import { Injectable } from '@nestjs/common';
import { ALL_TOPICS, deadLetterTopicOf, SERVICE_NAMES } from '@urrbmi/contracts';
import { EventBackbone, logicalTopic } from '@urrbmi/messaging';
import { consumerGroupId, ServiceEnv } from '@urrbmi/platform';

export interface PartitionLag {
  partition: number;
  /** -1: the group never committed on this partition (it starts from the beginning). */
  committed: number;
  highWatermark: number;
  lag: number;
}

export interface GroupTopicLag {
  topic: string;
  lag: number;
  partitions: PartitionLag[];
}

export interface ConsumerGroupLag {
  groupId: string;
  service: string;
  state: string;
  members: number;
  lag: number;
  topics: GroupTopicLag[];
}

export interface DeadLetterDepth {
  topic: string;
  messages: number;
}

/**
 * What Kafka's admin API says about the deployment's queues: consumer lag of every service's group
 * per topic and partition, and how many messages wait in each dead-letter topic.
 */
@Injectable()
export class KafkaQueuesGateway {
  constructor(
    private readonly backbone: EventBackbone,
    private readonly config: ServiceEnv,
  ) {}

  async snapshot(): Promise<{ groups: ConsumerGroupLag[]; deadLetters: DeadLetterDepth[] }> {
    const settings = this.backbone.options.settings;
    const admin = this.backbone.kafka.admin();
    await admin.connect();
    try {
      const physical = (t: string) => `${settings.topicPrefix}${t}`;
      const offsets = new Map<string, Map<number, { high: number; low: number }>>();
      const topics = [...ALL_TOPICS, ...ALL_TOPICS.map(deadLetterTopicOf)];
      await Promise.all(
        topics.map(async (t) => {
          const parts = await admin.fetchTopicOffsets(physical(t)).catch(() => []);
          offsets.set(
            t,
            new Map(parts.map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }])),
          );
        }),
      );
      const deadLetters = ALL_TOPICS.map((t) => {
        const parts = [...(offsets.get(deadLetterTopicOf(t))?.values() ?? [])];
        return { topic: deadLetterTopicOf(t), messages: parts.reduce((s, p) => s + (p.high - p.low), 0) };
      });
      const groupIds = SERVICE_NAMES.map((s) => ({ service: s, groupId: consumerGroupId(this.config, s) }));
      const described = await admin.describeGroups(groupIds.map((g) => g.groupId));
      const groups: ConsumerGroupLag[] = [];
      for (const { service, groupId } of groupIds) {
        const committed = await admin.fetchOffsets({ groupId, topics: ALL_TOPICS.map(physical) });
        const topicLags: GroupTopicLag[] = [];
        for (const t of committed) {
          // A topic the group never committed on is one it does not read.
          if (!t.partitions.some((p) => Number(p.offset) >= 0)) continue;
          const logical = logicalTopic(settings, t.topic);
          const marks = offsets.get(logical) ?? new Map();
          const partitions = t.partitions
            .map((p) => {
              const m = marks.get(p.partition) ?? { high: 0, low: 0 };
              const c = Number(p.offset);
              return {
                partition: p.partition,
                committed: c,
                highWatermark: m.high,
                lag: Math.max(0, m.high - (c >= 0 ? c : m.low)),
              };
            })
            .sort((a, b) => a.partition - b.partition);
          topicLags.push({ topic: logical, lag: partitions.reduce((s, p) => s + p.lag, 0), partitions });
        }
        topicLags.sort((a, b) => a.topic.localeCompare(b.topic));
        const d = described.groups.find((g) => g.groupId === groupId);
        groups.push({
          groupId,
          service,
          state: d?.state ?? 'Unknown',
          members: d?.members.length ?? 0,
          lag: topicLags.reduce((s, t) => s + t.lag, 0),
          topics: topicLags,
        });
      }
      return { groups, deadLetters };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
