import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { residentIdCheckChar } from '@urrbmi/domain';
import { messagingMigrations } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { CollectionsRepository } from '../../src/collections/collections.repository';
import { PersonStateRepository } from '../../src/facts/person-state.repository';
import { reportingService } from '../../src/reporting-service.definition';

/** The service's schema in the test database (DATABASE_URL, set by the global setup), migrated. */
export async function reportingDataSource(): Promise<DataSource> {
  const dataSource = createServiceDataSource({
    url: process.env.DATABASE_URL!,
    schema: 'reporting',
    migrations: [...messagingMigrations('reporting'), ...reportingService.migrations],
  });
  await dataSource.initialize();
  await migrateServiceSchema(dataSource);
  return dataSource;
}

const id = (n: number) => {
  const first17 = `62072519900101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
};
const at = (day: number, hour = 9) =>
  `2023-10-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;

/** A season of 12 people: every kind of fact, several per person, with times out of arrival order. */
export function mixedSeason(): { topic: string; payload: object }[] {
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
      // An assessment without subsidy, then the roster's: the later one is in force.
      const assessed = (terms: object) => ({
        topic: 'subsidy.assessed',
        payload: { idNumber, season: 2023, regionCode: '620725', policyId: '620725-2023', ...terms },
      });
      out.push(
        assessed({ subsidyFen: 0, amountDueFen: 38000, mode: 'NONE', reason: 'none', assessedAt: at(1) }),
        assessed({
          category: 'ORPHAN',
          subsidyFen: 38000,
          amountDueFen: 0,
          mode: 'FULL',
          route: 'PROXY_PAYMENT',
          reason: 'roster',
          assessedAt: at(2),
        }),
      );
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

export const weekEnds = ['2023-10-09', '2023-10-16', '2023-10-23', '2023-10-30', '2023-11-06'].map(
  (d) => `${d}T00:00:00+08:00`,
);

/** Every figure the read side derives from the facts, in a comparable form. */
export async function figures(dataSource: DataSource) {
  const persons = new PersonStateRepository(dataSource);
  const collections = new CollectionsRepository(dataSource);
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
