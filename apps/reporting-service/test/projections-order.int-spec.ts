import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { residentIdCheckChar } from '@urrbmi/domain';
import { ConsumedEvent, messagingMigrations } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { CollectionsRepository } from '../src/collections/collections.repository';
import { PersonStateRepository } from '../src/facts/person-state.repository';
import { ProjectEventsCommand } from '../src/projections/project-events.command';
import { ProjectEventsHandler } from '../src/projections/project-events.handler';
import { ProjectionRepository } from '../src/projections/projection.repository';
import { reportingService } from '../src/reporting-service.definition';

/**
 * Projections against the real Postgres: the same events, delivered in any order, split into any
 * batches, some delivered twice, give the same figures. (The consumer's inbox drops redeliveries of
 * one event id; this also covers the same fact under a new id, e.g. a voucher re-sent in another file.)
 */
describe('projections converge whatever the order (real Postgres)', () => {
  let dataSource: DataSource;
  let project: ProjectEventsHandler;
  let persons: PersonStateRepository;
  let collections: CollectionsRepository;

  beforeAll(async () => {
    dataSource = createServiceDataSource({
      url: process.env.DATABASE_URL!,
      schema: 'reporting',
      migrations: [...messagingMigrations('reporting'), ...reportingService.migrations],
    });
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    const repository = new ProjectionRepository();
    project = new ProjectEventsHandler(repository);
    persons = new PersonStateRepository(dataSource);
    collections = new CollectionsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  const id = (n: number) => {
    const first17 = `620725199001${String(n).padStart(5, '0')}`;
    return first17 + residentIdCheckChar(first17);
  };
  const at = (day: number, hour = 9) =>
    `2023-10-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;

  /** A season of 12 people: every kind of fact, several per person, with times out of arrival order. */
  function season(): { topic: string; payload: object }[] {
    const out: { topic: string; payload: object }[] = [];
    for (let n = 1; n <= 12; n++) {
      const idNumber = id(n);
      const enrollmentId = randomUUID();
      const area = {
        regionCode: '620725',
        townshipCode: `62072510${n % 3}`,
        villageCode: `62072510${n % 3}00${1 + (n % 2)}`,
      };
      out.push({
        topic: 'enrollment.registered',
        payload: {
          enrollmentId,
          idNumber,
          name: `p${n}`,
          season: 2023,
          ...area,
          kind: 'NEW',
          policyId: '620725-2023',
          amountDueFen: 38000,
          registeredAt: at(2),
        },
      });
      if (n % 4 === 0) continue; // registered only
      const channel = ['WECHAT', 'ALIPAY', 'PROXY', 'BANK_APP'][n % 4];
      out.push({
        topic: 'payment.recorded',
        payload: {
          voucherNo: `V${n}`,
          idNumber,
          name: `p${n}`,
          ...area,
          season: 2023,
          amountFen: 38000,
          channel,
          paidAt: at(3 + n),
          feedId: randomUUID(),
        },
      });
      out.push({
        topic: 'enrollment.activated',
        payload: {
          enrollmentId,
          idNumber,
          season: 2023,
          ...area,
          paidAs: channel === 'PROXY' ? 'PROXY_PAID' : 'PAID',
          paidFen: 38000,
          benefitStart: '2024-01-01',
          benefitEnd: '2024-12-31',
          waitingMonths: 0,
          activatedAt: at(3 + n, 10),
        },
      });
      if (n % 5 === 0)
        out.push({
          topic: 'payment.reversed',
          payload: {
            voucherNo: `R${n}`,
            originalVoucherNo: `V${n}`,
            idNumber,
            regionCode: '620725',
            season: 2023,
            amountFen: -38000,
            reversedAt: at(20),
            feedId: randomUUID(),
          },
        });
      if (n % 6 === 0) {
        out.push({
          topic: 'enrollment.cancelled',
          payload: {
            enrollmentId,
            idNumber,
            season: 2023,
            regionCode: '620725',
            reason: 'DEATH',
            effectiveDate: '2023-10-21',
            paidFen: 38000,
            cancelledAt: at(21),
          },
        });
        out.push({
          topic: 'refund.paid',
          payload: {
            refundId: randomUUID(),
            idNumber,
            season: 2023,
            regionCode: '620725',
            amountFen: 38000,
            reason: 'DEATH',
            paidAt: at(25),
          },
        });
      }
      if (n % 3 === 0) {
        out.push({
          topic: 'subsidy.assessed',
          payload: {
            idNumber,
            season: 2023,
            regionCode: '620725',
            policyId: '620725-2023',
            subsidyFen: 0,
            amountDueFen: 38000,
            mode: 'NONE',
            reason: 'none',
            assessedAt: at(1),
          },
        });
        out.push({
          topic: 'subsidy.assessed',
          payload: {
            idNumber,
            season: 2023,
            regionCode: '620725',
            policyId: '620725-2023',
            category: 'ORPHAN',
            subsidyFen: 38000,
            amountDueFen: 0,
            mode: 'FULL',
            route: 'PROXY_PAYMENT',
            reason: 'roster',
            assessedAt: at(2),
          },
        });
        const transferId = randomUUID();
        out.push({
          topic: 'subsidy.transfer.requested',
          payload: {
            transferId,
            idNumber,
            season: 2023,
            regionCode: '620725',
            amountFen: 38000,
            category: 'ORPHAN',
            route: 'ONE_CARD',
            transferMonth: '2023-11',
            requestedAt: at(28),
          },
        });
        out.push({
          topic: 'subsidy.transfer.settled',
          payload: {
            transferId,
            idNumber,
            season: 2023,
            status: n === 9 ? 'FAILED' : 'PAID',
            amountFen: 38000,
            ...(n === 9 ? { failure: 'closed' } : {}),
            settledAt: at(30),
          },
        });
      }
    }
    return out;
  }

  const weekEnds = ['2023-10-09', '2023-10-16', '2023-10-23', '2023-10-30', '2023-11-06'].map(
    (d) => `${d}T00:00:00+08:00`,
  );

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

  async function figures() {
    const counts = await persons.unitCounts(2023, '620725', 'infinity');
    counts.sort((a, b) => a.unitCode.localeCompare(b.unitCode));
    const weekly = (await persons.activeAt(2023, '620725', weekEnds)).map((m) =>
      Object.fromEntries([...m].sort()),
    );
    // The same figures at each week's end computed the other way, one instant at a time.
    const perInstant = [];
    for (const t of weekEnds)
      perInstant.push(
        Object.fromEntries(
          (await persons.unitCounts(2023, '620725', t))
            .filter((c) => c.level !== 'COUNTY' && c.active > 0)
            .map((c) => [c.unitCode, c.active])
            .sort(),
        ),
      );
    return {
      counts,
      weekly,
      perInstant,
      daily: await collections.daily(2023, '620725', null, null, null),
      assessed: await collections.subsidiesAssessed(2023, '620725'),
      transfers: await collections.subsidyTransfers(2023, '620725'),
      unpaid: await persons.unpaid(2023, '620725', null, null),
    };
  }

  it('gives the figures of the in-order delivery for shuffled, re-batched, partly duplicated deliveries', async () => {
    const events = season();
    await apply(events, [1000]);
    const reference = await figures();
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
          expect(await figures()).toEqual(reference);
        },
      ),
      { numRuns: 15 },
    );
  });
});
