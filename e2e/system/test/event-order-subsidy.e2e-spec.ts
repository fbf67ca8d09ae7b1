import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { publishedEvents, waitForOutboxSent } from './support/topics';
import { deliverInRounds, Envelope, permutations, personId } from './support/rounds';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS } from './support/services';

/**
 * The subsidy service's view of enrolments and the monthly match, fed one person's facts in every
 * order. It reads only enrollment.registered and enrollment.standing: payments, reversals, refunds
 * and cancellations reach it as the standing enrollment-service judged from them (the one source of
 * "paid in full"), so they cannot disagree with enrollment whatever order they came in; what is
 * left to order is the registration against each standing, and standings against each other (a dead
 * letter replayed at the end). Every permutation of each scenario is one person; the first is the
 * production order.
 */
const REGION = '411421';
const REGISTERED_AT = '2023-10-15T10:00:00.000+08:00';

function facts(inject: EventInjector, id: string, enrollmentId: string) {
  const base = { enrollmentId, idNumber: id, season: 2023, regionCode: REGION };
  const standing = (standingVersion: number, status: string, extra: object, cause: string) =>
    inject.envelope('enrollment.standing', {
      ...base,
      registeredAt: REGISTERED_AT,
      standingVersion,
      status,
      amountDueFen: 38000,
      paidFen: 0,
      subsidyEnjoyedFen: 0,
      cause,
      changedAt: '2023-10-17T10:00:00+08:00',
      ...extra,
    });
  const paidIn = (standingVersion: number) =>
    standing(
      standingVersion,
      'ACTIVE',
      {
        paidFen: 38000,
        paidAs: 'PAID',
        paidInFullOn: '2023-10-16',
        benefitStart: '2024-01-01',
        benefitEnd: '2024-12-31',
      },
      'payment.recorded',
    );
  return {
    registered: inject.envelope('enrollment.registered', {
      ...base,
      name: '参保人',
      kind: 'RENEWAL',
      policyId: `${REGION}-2023`,
      amountDueFen: 38000,
      registeredAt: REGISTERED_AT,
    }),
    partial: standing(1, 'REGISTERED', { paidFen: 20000 }, 'payment.recorded'),
    active: paidIn(1),
    activeAfterPartial: paidIn(2),
    reversed: standing(2, 'REGISTERED', {}, 'payment.reversed'),
    cancelled: standing(2, 'CANCELLED', { paidFen: 38000 }, 'cancellation'),
    refunded: standing(3, 'REFUNDED', {}, 'refund.paid'),
  };
}

type FactName = keyof ReturnType<typeof facts>;

const SCENARIOS: {
  name: string;
  order: FactName[];
  enrolment: { status: string; paid_fen: number; paid_in_full_on: string | null; standing_version: number };
  transferFen: number | null;
}[] = [
  // a renewal that just pays: registration and activation come out of one transaction
  {
    name: 'renewal that just pays',
    order: ['registered', 'active'],
    enrolment: { status: 'ACTIVE', paid_fen: 38000, paid_in_full_on: '2023-10-16', standing_version: 1 },
    transferFen: 8000,
  },
  {
    name: 'paid in two instalments',
    order: ['registered', 'partial', 'activeAfterPartial'],
    enrolment: { status: 'ACTIVE', paid_fen: 38000, paid_in_full_on: '2023-10-16', standing_version: 2 },
    transferFen: 8000,
  },
  {
    name: 'payment reversed',
    order: ['registered', 'active', 'reversed'],
    enrolment: { status: 'REGISTERED', paid_fen: 0, paid_in_full_on: null, standing_version: 2 },
    transferFen: null,
  },
  {
    name: 'cancelled and refunded',
    order: ['registered', 'active', 'cancelled', 'refunded'],
    enrolment: { status: 'REFUNDED', paid_fen: 0, paid_in_full_on: null, standing_version: 3 },
    transferFen: null,
  },
];

describe('event order: the subsidy service sees every payer, and no reversed payer, whatever the order', () => {
  let under: ServiceUnderTest;
  beforeAll(async () => {
    // After October, so that October's match may run (a month is matched only once it has ended).
    under = await startServiceUnderTest('subsidy-service', 20010, 'ordersubsidy', {
      CLOCK_START: '2023-11-02T10:00:00+08:00',
      SUBSIDY_MATCH_SCHEDULE: 'off',
    });
  });
  afterAll(async () => {
    await under?.stop();
  });

  it('gives every permutation the enrolment and the October match of its production order', async () => {
    const inject = new EventInjector(under.prefix);
    const runs: { scenario: string; first: boolean; id: string }[] = [];
    const schedules: Envelope[][] = [];
    let n = 0;
    for (const s of SCENARIOS) {
      permutations(s.order).forEach((order, i) => {
        const id = personId(REGION, n++);
        const f = facts(inject, id, randomUUID());
        runs.push({ scenario: s.name, first: i === 0, id });
        schedules.push(order.map((name) => f[name]));
      });
    }
    expect(runs.length).toBe(2 + 6 + 6 + 24);

    // Everyone is certified 低保 (Minquan: 380 paid, 80 back after payment via civil affairs).
    const csv = ['id_number,name,category,certified_region_code,valid_from,valid_to']
      .concat(runs.map((r) => `${r.id},低保户,MINIMUM_LIVING,${REGION},,`))
      .join('\n');
    const up = await fetch(`${under.svc.url}/v1/rosters`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_KEYS.civilAffairs.key}`,
        'content-type': 'text/csv',
        'x-roster-source': 'CIVIL_AFFAIRS',
        'x-as-of': '2023-10-01',
      },
      body: csv + '\n',
    });
    const upload = (await up.json()) as { uploadId: string; rowsStaged: number };
    expect(upload.rowsStaged).toBe(runs.length);
    expect(
      (
        await api(
          under.svc.url,
          'POST',
          `/v1/rosters/${upload.uploadId}/approve`,
          TEST_KEYS.civilAffairsChecker.key,
          {},
        )
      ).body,
    ).toMatchObject({ status: 'APPROVED' });

    await deliverInRounds(under.prefix, 'subsidy-service', schedules);

    const enrolments = new Map(
      (
        await under.db.query(
          `SELECT id_number, status, paid_fen, to_char(paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on, standing_version
             FROM subsidy.enrolments`,
        )
      ).rows.map(({ id_number, ...rest }) => [id_number as string, rest]),
    );
    const run = await api(under.svc.url, 'POST', '/v1/match-runs', TEST_KEYS.mib.key, { month: '2023-10' });
    expect(run.status).toBe(200);
    const transfers = new Map(
      (await under.db.query(`SELECT id_number, amount_fen FROM subsidy.transfers`)).rows.map((t) => [
        t.id_number as string,
        t.amount_fen as number,
      ]),
    );
    for (const s of SCENARIOS) {
      const mine = runs.filter((r) => r.scenario === s.name);
      const production = mine.find((r) => r.first)!;
      expect({
        enrolment: enrolments.get(production.id),
        transfer: transfers.get(production.id) ?? null,
      }).toEqual({
        enrolment: s.enrolment,
        transfer: s.transferFen,
      });
      const differing = mine.filter(
        (r) =>
          JSON.stringify(enrolments.get(r.id)) !== JSON.stringify(s.enrolment) ||
          (transfers.get(r.id) ?? null) !== s.transferFen,
      );
      expect({
        scenario: s.name,
        differing: differing.map((r) => schedules[runs.indexOf(r)].map((e) => e.type)),
      }).toEqual({
        scenario: s.name,
        differing: [],
      });
    }
    // Exactly the payers get a transfer: 2 + 6 + ... none of the reversed or refunded.
    expect(transfers.size).toBe(2 + 6);
    // And the match run itself says so.
    expect(run.body).toMatchObject({ transfersCreated: 8 });
    // Written by the match run already answered: once the outbox is sent, the topic holds them all.
    await waitForOutboxSent(under.db, 'subsidy');
    expect(await publishedEvents(`${under.prefix}subsidy.transfer.requested`)).toHaveLength(8);
  });
});
