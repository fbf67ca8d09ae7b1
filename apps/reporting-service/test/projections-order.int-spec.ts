import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ConsumedEvent } from '@urrbmi/messaging';
import { ProjectEventsCommand } from '../src/projections/project-events.command';
import { ProjectEventsHandler } from '../src/projections/project-events.handler';
import { ProjectionRepository } from '../src/projections/projection.repository';
import { figures, mixedSeason, reportingDataSource } from './support/mixed-season';

/**
 * Projections against the real Postgres: the same events, delivered in any order, split into any
 * batches, some delivered twice, give the same figures. (The consumer's inbox drops redeliveries of
 * one event id; this also covers the same fact under a new id, e.g. a voucher re-sent in another file.)
 */
describe('projections converge whatever the order (real Postgres)', () => {
  let dataSource: DataSource;
  let project: ProjectEventsHandler;

  beforeAll(async () => {
    dataSource = await reportingDataSource();
    const repository = new ProjectionRepository();
    project = new ProjectEventsHandler(repository);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  async function apply(events: { topic: string; payload: object }[], batchSizes: number[]) {
    await dataSource.transaction((m) => new ProjectionRepository().dropAll(m));
    // The consumer hands each handler consecutive events of one topic; cut the stream the same way.
    let i = 0;
    let b = 0;
    while (i < events.length) {
      const size = batchSizes[b++ % batchSizes.length];
      let j = i + 1;
      while (j < events.length && j - i < size && events[j].topic === events[i].topic) j++;
      const batch = events
        .slice(i, j)
        .map((e) => ({ envelope: { payload: e.payload }, topic: e.topic }) as unknown as ConsumedEvent);
      await dataSource.transaction((m) =>
        project.execute(ProjectEventsCommand.of(events[i].topic, batch, m)),
      );
      i = j;
    }
  }

  it('gives the figures of the in-order delivery for shuffled, re-batched, partly duplicated deliveries', async () => {
    const events = mixedSeason();
    await apply(events, [1000]);
    const reference = await figures(dataSource);
    // Sanity of the reference itself: 12 registered; 9 paid (not 4, 8, 12); 5 and 10 reversed; 6 died.
    const county = reference.counts.find((c) => c.level === 'COUNTY')!;
    expect(county).toMatchObject({ registered: 12, cancelled: 1, refunded: 1, refundedFen: 38000 });
    expect(county.active).toBe(9 - 2 - 1);
    expect(county.collectedFen).toBe((9 - 2) * 38000);
    expect(reference.weekly.map((w) => Object.entries(w).filter(([, v]) => v > 0))).toEqual(
      reference.perInstant.map((w) => Object.entries(w)),
    );

    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          events.map((_, i) => i),
          { minLength: events.length, maxLength: events.length },
        ),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.subarray(
          events.map((_, i) => i),
          { maxLength: 6 },
        ),
        async (order, batchSizes, again) => {
          const delivered = [...order.map((i) => events[i]), ...again.map((i) => events[i])];
          await apply(delivered, batchSizes);
          expect(await figures(dataSource)).toEqual(reference);
        },
      ),
      { numRuns: 15 },
    );
  });
});
