import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { BatchHandler, ConsumerTuning, EventBackbone, physicalTopic } from '@urrbmi/messaging';
import { CommandHandler } from '@urrbmi/platform';
import { ProjectEventsCommand } from '../projections/project-events.command';
import { ProjectEventsHandler } from '../projections/project-events.handler';
import { ProjectionRepository } from '../projections/projection.repository';
import { PROJECTED_TOPICS } from '../projections/projectors';
import { RebuildProjectionsCommand } from './rebuild-projections.command';
import { FactCounts, RebuildRepository } from './rebuild.repository';

export interface RebuildResult {
  groupId: string;
  /** Per topic, the offsets replayed up to (the end of each partition when the rebuild began). */
  replayedTo: Record<string, Record<number, number>>;
  facts: FactCounts;
  durationMs: number;
}

/**
 * The replay reads big fetches, applies big batches of several partitions at once (one partition's
 * batch is parsed while another's is written) and skips the inbox: every projection statement is
 * idempotent by itself (facts keyed by the event's own identity, ON CONFLICT DO NOTHING or an update
 * only towards the latest by the event's own time), so an event applied twice counts once, and the
 * replay's group is thrown away at the end. A short fetch wait lets the consumer stop at once.
 */
const REPLAY_TUNING: ConsumerTuning = {
  inbox: false,
  maxBatchSize: 5000,
  partitionsConsumedConcurrently: 4,
  maxBytesPerPartition: 8 * 2 ** 20,
  maxBytes: 64 * 2 ** 20,
  maxWaitTimeInMs: 100,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A partition just created (or just moved) answers "not the leader" for a moment. */
async function retrying<T>(work: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      if (i >= attempts) throw e;
      await sleep(300 * i);
    }
  }
}

/**
 * Rebuild: empties the fact tables, then replays every projected topic from its beginning with a
 * fresh consumer group through the same projection use case the live consumer uses, until every
 * partition reached the end it had when the rebuild began. Safe while the service runs: facts are
 * keyed by event identity, so an event applied by both the live group and the replay counts once.
 * Quotas, alerts raised and the hardship ledger are not projections and stay.
 */
export class RebuildProjectionsHandler implements CommandHandler<RebuildProjectionsCommand, RebuildResult> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly backbone: EventBackbone,
    private readonly projections: ProjectionRepository,
    private readonly project: ProjectEventsHandler,
    private readonly rebuild: RebuildRepository,
  ) {}

  async execute(cmd: RebuildProjectionsCommand): Promise<RebuildResult> {
    const started = Date.now();
    const settings = this.backbone.options.settings;
    const admin = this.backbone.kafka.admin();
    await admin.connect();
    try {
      const replayedTo: RebuildResult['replayedTo'] = {};
      for (const topic of PROJECTED_TOPICS) {
        const parts = await retrying(() => admin.fetchTopicOffsets(physicalTopic(settings, topic)));
        replayedTo[topic] = Object.fromEntries(parts.map((p) => [p.partition, Number(p.high)]));
      }
      await inTransaction(this.dataSource, (m) => this.projections.dropAll(m));
      const handlers = new Map<string, BatchHandler>(
        PROJECTED_TOPICS.map((topic) => [
          topic,
          (events, manager) => this.project.execute(ProjectEventsCommand.of(topic, events, manager)),
        ]),
      );
      const consumer = this.backbone.createConsumer(cmd.groupId, handlers, REPLAY_TUNING);
      await consumer.start();
      try {
        for (;;) {
          if (consumer.failure) throw consumer.failure;
          if (await this.caughtUp(admin, cmd.groupId, replayedTo)) break;
          if (Date.now() - started > cmd.timeoutMs)
            throw new Error(`rebuild did not catch up within ${cmd.timeoutMs} ms; run it again`);
          await sleep(500);
        }
      } finally {
        await consumer.stop();
      }
      await admin.deleteGroups([cmd.groupId]).catch(() => undefined);
      await this.rebuild.forgetGroup(cmd.groupId);
      return {
        groupId: cmd.groupId,
        replayedTo,
        facts: await this.rebuild.factCounts(),
        durationMs: Date.now() - started,
      };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async caughtUp(
    admin: ReturnType<EventBackbone['kafka']['admin']>,
    groupId: string,
    target: RebuildResult['replayedTo'],
  ): Promise<boolean> {
    const settings = this.backbone.options.settings;
    const committed = await admin.fetchOffsets({
      groupId,
      topics: Object.keys(target).map((t) => physicalTopic(settings, t)),
    });
    for (const [topic, partitions] of Object.entries(target)) {
      const c = committed.find((x) => x.topic === physicalTopic(settings, topic));
      for (const [partition, high] of Object.entries(partitions)) {
        if (high === 0) continue;
        const offset = Number(c?.partitions.find((p) => p.partition === Number(partition))?.offset ?? -1);
        if (offset < high) return false;
      }
    }
    return true;
  }
}
