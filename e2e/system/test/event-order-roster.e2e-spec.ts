import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { deliverInRounds, Envelope, permutations, personId } from './support/rounds';
import { ServiceUnderTest, startServiceUnderTest, TEST_KEYS } from './support/services';

/**
 * The tax bureau's collection roster, fed one person's facts in every order. Facts of one person
 * travel on different topics (enrollment.registered, enrollment.activated, enrollment.standing,
 * enrollment.cancelled, subsidy.assessed), so they reach the roster in any interleaving; two
 * standings of one enrolment are on one topic and partition but still swap when a dead letter is
 * replayed at the end, so they are permuted too.
 *
 * Payments, reversals and refunds do not reach the roster themselves: what they do to the enrolment
 * arrives as enrollment.standing, which is permuted here. Each scenario is every permutation of its
 * facts, one person per permutation; the first is the production order.
 */
const REGION = '411421';
const REGISTERED_AT = '2023-10-15T10:00:00.000+08:00';

interface Person {
  id: string;
  enrollmentId: string;
}

function facts(inject: EventInjector, p: Person) {
  const base = { enrollmentId: p.enrollmentId, idNumber: p.id, season: 2023, regionCode: REGION };
  const standing = (standingVersion: number, status: string, extra: object, cause: string) =>
    inject.envelope('enrollment.standing', {
      ...base,
      townshipCode: '411421100',
      registeredAt: REGISTERED_AT,
      standingVersion,
      status,
      amountDueFen: 38000,
      paidFen: 0,
      subsidyEnjoyedFen: 0,
      cause,
      changedAt: '2023-10-21T10:00:00+08:00',
      ...extra,
    });
  const paidIn = {
    paidFen: 38000,
    paidAs: 'PAID',
    paidInFullOn: '2023-10-20',
    benefitStart: '2024-01-01',
    benefitEnd: '2024-12-31',
  };
  const assessed = (amountDueFen: number, category: string | undefined, assessedAt: string) =>
    inject.envelope('subsidy.assessed', {
      idNumber: p.id,
      season: 2023,
      regionCode: REGION,
      policyId: `${REGION}-2023`,
      category,
      subsidyFen: 38000 - amountDueFen,
      mode: category ? 'REIMBURSE' : 'NONE',
      amountDueFen,
      reason: category ? `${category}: 先征后补` : 'no identity',
      assessedAt,
    });
  return {
    registered: inject.envelope('enrollment.registered', {
      ...base,
      name: '参保人',
      townshipCode: '411421100',
      villageCode: '411421100201',
      kind: 'NEW',
      policyId: `${REGION}-2023`,
      amountDueFen: 38000,
      registeredAt: REGISTERED_AT,
    }),
    assessed: assessed(38000, 'MINIMUM_LIVING', '2023-10-15T12:00:00+08:00'),
    assessedEarlier: assessed(38000, undefined, '2023-10-15T11:00:00+08:00'),
    activated: inject.envelope('enrollment.activated', {
      ...base,
      paidAs: 'PAID',
      paidFen: 38000,
      benefitStart: '2024-01-01',
      benefitEnd: '2024-12-31',
      waitingMonths: 0,
      activatedAt: '2023-10-21T10:00:00+08:00',
    }),
    active: standing(1, 'ACTIVE', paidIn, 'payment.recorded'),
    reversed: standing(2, 'REGISTERED', {}, 'payment.reversed'),
    cancelled: inject.envelope('enrollment.cancelled', {
      ...base,
      reason: 'TRANSFER_OUT',
      effectiveDate: '2023-10-25',
      paidFen: 38000,
      cancelledAt: '2023-10-25T10:00:00+08:00',
    }),
    cancelledStanding: standing(2, 'CANCELLED', { paidFen: 38000 }, 'cancellation'),
    refunded: standing(3, 'REFUNDED', { paidFen: 0 }, 'refund.paid'),
  };
}

type FactName = keyof ReturnType<typeof facts>;

/** Production order of each scenario, and what the roster must show at the end. */
const SCENARIOS: { name: string; order: FactName[]; status: string }[] = [
  // paid, then the payment reversed: the reversal is published as a standing, the roster follows it
  {
    name: 'reversed',
    order: ['registered', 'assessed', 'activated', 'active', 'reversed'],
    status: 'REGISTERED',
  },
  // paid, transferred out, refunded
  {
    name: 'cancelled',
    order: ['registered', 'assessed', 'activated', 'active', 'cancelled', 'cancelledStanding', 'refunded'],
    status: 'CANCELLED',
  },
  // an older assessment replayed after a newer one; paid
  {
    name: 'replayed assessment',
    order: ['assessedEarlier', 'registered', 'assessed', 'active'],
    status: 'ACTIVE',
  },
];

describe('event order: the collection roster is the same whatever order the facts arrive in', () => {
  let under: ServiceUnderTest;
  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 20020, 'orderroster', {
      CLOCK_START: '2023-10-21T09:00:00+08:00',
    });
  });
  afterAll(async () => {
    await under?.stop();
  });

  it('gives every permutation of every scenario the roster row of its production order', async () => {
    const inject = new EventInjector(under.prefix);
    const runs: { scenario: string; first: boolean; person: Person }[] = [];
    const schedules: Envelope[][] = [];
    let n = 0;
    for (const s of SCENARIOS) {
      permutations(s.order).forEach((order, i) => {
        const person = { id: personId(REGION, n++), enrollmentId: randomUUID() };
        const f = facts(inject, person);
        runs.push({ scenario: s.name, first: i === 0, person });
        schedules.push(order.map((name) => f[name]));
      });
    }
    // 120 + 5040 + 24 persons: the cancelled scenario is all 7! orders of its facts.
    expect(runs.length).toBe(120 + 5040 + 24);
    await deliverInRounds(under.prefix, 'tax-collection-feed-service', schedules);

    const r = await fetch(
      `${under.svc.url}/v1/collection-roster?region=${REGION}&season=2023&format=ndjson`,
      {
        headers: { authorization: `Bearer ${TEST_KEYS.tax.key}` },
      },
    );
    const rows = new Map(
      (await r.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .map(({ changeSeq: _seq, idNumber, ...rest }) => [idNumber as string, rest]),
    );
    expect(rows.size).toBe(runs.length);
    for (const s of SCENARIOS) {
      const mine = runs.filter((x) => x.scenario === s.name);
      const production = rows.get(mine.find((x) => x.first)!.person.id);
      expect(production).toEqual({
        name: '参保人',
        regionCode: REGION,
        townshipCode: '411421100',
        villageCode: '411421100201',
        season: 2023,
        status: s.status,
        amountDueFen: 38000,
      });
      const differing = mine.filter(
        (x) => JSON.stringify(rows.get(x.person.id)) !== JSON.stringify(production),
      );
      expect({
        scenario: s.name,
        differing: differing.length,
        example: differing[0] && rows.get(differing[0].person.id),
      }).toEqual({
        scenario: s.name,
        differing: 0,
        example: undefined,
      });
    }
    // The assessment in force is the later one, whichever arrived last.
    const categories = await under.db.query(
      `SELECT subsidy_category, count(*)::int AS n FROM tax_feed.roster GROUP BY 1 ORDER BY 1`,
    );
    expect(categories.rows).toEqual([{ subsidy_category: 'MINIMUM_LIVING', n: runs.length }]);
  });
});
