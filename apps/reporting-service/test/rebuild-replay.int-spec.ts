import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { contractCatalog } from '@urrbmi/contracts';
import { ConsumedEvent, EventBackbone, physicalTopic } from '@urrbmi/messaging';
import { createCommand } from '@urrbmi/platform';
import { ProjectEventsCommand } from '../src/projections/project-events.command';
import { ProjectEventsHandler } from '../src/projections/project-events.handler';
import { ProjectionRepository } from '../src/projections/projection.repository';
import { RebuildProjectionsCommand } from '../src/rebuild/rebuild-projections.command';
import { RebuildProjectionsHandler } from '../src/rebuild/rebuild-projections.handler';
import { RebuildRepository, ReplayTargets } from '../src/rebuild/rebuild.repository';
import { reportingService } from '../src/reporting-service.definition';
import { figures, mixedSeason, reportingDataSource } from './support/mixed-season';

/**
 * The rebuild (real Kafka and Postgres) replays without the inbox, several partitions at a time:
 * its projections must equal the live path's — every event applied once, in order, through the same
 * use case — also when the topics hold redeliveries (one event id twice) and a fact re-sent under a
 * new id, when it is run again, and when an interrupted rebuild is carried on.
 */
describe('rebuild by replay gives the live projections (real Kafka and Postgres)', () => {
  const catalog = contractCatalog();
  const tag = `rebuild${randomUUID().slice(0, 8)}`;
  const settings = {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: `test-${tag}`,
    topicPrefix: `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}${tag}.`,
    partitions: 3,
    replicationFactor: 1,
  };
  let dataSource: DataSource;
  let backbone: EventBackbone;
  let rebuild: RebuildProjectionsHandler;
  const project = new ProjectEventsHandler(new ProjectionRepository());

  beforeAll(async () => {
    dataSource = await reportingDataSource();
    backbone = new EventBackbone({
      service: reportingService.name,
      schema: 'reporting',
      databaseUrl: process.env.DATABASE_URL!,
      dataSource,
      settings,
      catalog,
    });
    await backbone.provisionTopics();
    const projections = new ProjectionRepository();
    rebuild = new RebuildProjectionsHandler(
      dataSource,
      backbone,
      projections,
      new ProjectEventsHandler(projections),
      new RebuildRepository(dataSource),
    );
  });

  afterAll(async () => {
    await backbone?.stop();
    await dataSource?.destroy();
  });

  function envelope(topic: string, payload: object, eventId = randomUUID()) {
    const prepared = catalog.preparePayload(topic, 1, payload);
    return {
      key: prepared.key,
      value: JSON.stringify({
        eventId,
        type: topic,
        version: 1,
        occurredAt: '2023-10-16T10:00:00+08:00',
        producer: 'test',
        correlationId: randomUUID(),
        causationId: null,
        key: prepared.key,
        payload: prepared.payload,
      }),
    };
  }

  interface Sent {
    topic: string;
    payload: object;
    partition: number;
    offset: number;
  }
  let live: Awaited<ReturnType<typeof figures>>;
  let sent: Sent[];

  async function applyLive(events: { topic: string; payload: object }[]) {
    for (const e of events)
      await dataSource.transaction((m) =>
        project.execute(
          ProjectEventsCommand.of(
            e.topic,
            [{ envelope: { payload: e.payload }, topic: e.topic } as unknown as ConsumedEvent],
            m,
          ),
        ),
      );
  }

  beforeAll(async () => {
    const events = mixedSeason();
    await dataSource.transaction((m) => new ProjectionRepository().dropAll(m));
    await applyLive(events);
    live = await figures(dataSource);

    // Every third event delivered twice (same id), and every fifth re-sent under a new id.
    const messages = events.map((e) => ({ ...e, ...envelope(e.topic, e.payload) }));
    const redelivered = messages.filter((_, i) => i % 3 === 0);
    const resent = events
      .filter((_, i) => i % 5 === 0)
      .map((e) => ({ ...e, ...envelope(e.topic, e.payload) }));
    const producer = backbone.kafka.producer();
    await producer.connect();
    sent = [];
    for (const m of [...messages, ...redelivered, ...resent]) {
      const [meta] = await producer.send({
        topic: physicalTopic(settings, m.topic),
        messages: [{ key: m.key, value: m.value }],
      });
      sent.push({
        topic: m.topic,
        payload: m.payload,
        partition: meta.partition,
        offset: Number(meta.baseOffset),
      });
    }
    await producer.disconnect();
  });

  it('equals the events applied live one by one, with redeliveries on the topics, and again when run twice', async () => {
    for (const run of [1, 2]) {
      const result = await rebuild.execute(
        createCommand(RebuildProjectionsCommand, { groupId: `${tag}.rebuild-${run}`, timeoutMs: 120_000 }),
      );
      expect(result).toMatchObject({ resumed: false, groupId: `${tag}.rebuild-${run}` });
      expect(result.facts).toMatchObject({ fact_registration: 12, fact_payment: 9, fact_refund: 1 });
      expect(await figures(dataSource)).toEqual(live);
    }
  });

  it('carries on an interrupted rebuild from where its group was, keeping what it had applied', async () => {
    // As a rebuild stopped part-way leaves it: facts emptied, targets noted, the registrations and
    // payments replayed and committed by its group, the other topics not yet, the run not finished.
    const groupId = `${tag}.rebuild-interrupted`;
    const done = ['enrollment.registered', 'payment.recorded'];
    const logical = (physical: string) => physical.slice(settings.topicPrefix.length);
    const replayTo: ReplayTargets = {};
    const admin = backbone.kafka.admin();
    await admin.connect();
    for (const topic of new Set(sent.map((e) => e.topic))) {
      const ends = await admin.fetchTopicOffsets(physicalTopic(settings, topic));
      replayTo[topic] = Object.fromEntries(ends.map((p) => [p.partition, Number(p.high)]));
    }
    await dataSource.transaction(async (m) => {
      await new ProjectionRepository().dropAll(m);
      await new RebuildRepository(dataSource).beginRun(m, { groupId, replayTo });
    });
    const partial = backbone.createConsumer(
      groupId,
      new Map(
        done.map((topic) => [
          topic,
          (events: ConsumedEvent[], m: EntityManager) =>
            project.execute(ProjectEventsCommand.of(topic, events, m)),
        ]),
      ),
      { inbox: false },
    );
    await partial.start();
    const replayed = async () =>
      (await admin.fetchOffsets({ groupId, topics: done.map((t) => physicalTopic(settings, t)) })).every(
        (t) =>
          // Every partition the targets name must be answered: an empty answer is not "replayed".
          t.partitions.length === Object.keys(replayTo[logical(t.topic)]).length &&
          t.partitions.every((p) => {
            const high = replayTo[logical(t.topic)][p.partition];
            return high === 0 || Number(p.offset) >= high;
          }),
      );
    while (!(await replayed())) await new Promise((r) => setTimeout(r, 200));
    await partial.stop();
    await admin.disconnect();
    const registrations = (await figures(dataSource)).counts.find((c) => c.level === 'COUNTY')!;
    expect(registrations).toMatchObject({ registered: 12, active: 0 });

    const result = await rebuild.execute(
      createCommand(RebuildProjectionsCommand, { groupId: `${tag}.rebuild-new`, timeoutMs: 120_000 }),
    );
    expect(result).toMatchObject({ resumed: true, groupId });
    expect(await figures(dataSource)).toEqual(live);
    // Finished: the next rebuild begins anew.
    const next = await rebuild.execute(
      createCommand(RebuildProjectionsCommand, { groupId: `${tag}.rebuild-after`, timeoutMs: 120_000 }),
    );
    expect(next.resumed).toBe(false);
    expect(await figures(dataSource)).toEqual(live);
  });
});
