import { EventInjector } from './support/events';
import { waitForNoLag } from './support/lag';
import { minquanId } from './support/feeds';
import { PersonEvents, postQuotas, publish } from './support/reporting';
import { readTopic } from './support/topics';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS, waitFor } from './support/services';

/**
 * Minquan 2023 ranks townships weekly and calls in the one ranked last 3 weeks running (连续3周排名
 * 倒数第一 → 提醒谈话). 411421102 has nobody enrolled while the other two have: it is last every week
 * from the first week of the window (Mon 2023-09-04 .. Sun 09-10), so its streak reaches 3 weeks on
 * Sunday 2023-09-24 — one alert, however many events arrive and however often the check runs.
 */
describe('reporting-service: weekly ranking alerts', () => {
  let sut: ServiceUnderTest;
  let inject: EventInjector;
  const ops = TEST_KEYS.ops.key;
  const mib = TEST_KEYS.mib.key;

  beforeAll(async () => {
    // The scheduled check is pushed far out: this test runs the check itself, between deliveries.
    sut = await startServiceUnderTest('reporting-service', 20610, 'rptalert', {
      REPORTING_ALERT_CHECK_INTERVAL_MS: '86400000',
      REPORTING_QUOTA_SEED_DIR: 'none',
    });
    inject = new EventInjector(sut.prefix);
  });

  afterAll(async () => {
    await sut?.stop();
  });

  async function deliver(envelopes: ReturnType<EventInjector['envelope']>[]) {
    await publish(inject, envelopes);
    // Reporting keeps no inbox: its group's committed offsets say every event is applied.
    await waitForNoLag(sut.prefix, ['reporting-service']);
  }

  const check = async () => {
    const r = await api(sut.svc.url, 'POST', '/v1/alerts/check', ops, { season: 2023, regionCode: '411421' });
    expect(r.status).toBe(200);
    return r.body.raised as number;
  };

  it('raises one alert for a township last 3 weeks running, not one per event or per check', async () => {
    const q = await postQuotas(
      sut.svc.url,
      mib,
      'season,unit_code,unit_name,parent_code,quota,population\n' +
        '2023,411421100,城关镇,411421,10,\n2023,411421101,人和镇,411421,10,\n2023,411421102,龙塘镇,411421,10,\n',
    );
    expect(q.status).toBe(201);

    // Before anyone enrolled every township ties: nobody is last. The milestones (80% by 11-30, all
    // by 12-31) are past and missed by all three: 6 milestone alerts, no ranking alert.
    expect(await check()).toBe(6);

    const person = (n: number, township: string) =>
      new PersonEvents(inject, minquanId(n), { regionCode: '411421', townshipCode: township });
    const enrol = (p: PersonEvents, day: string, voucher: string) => [
      p.registered(`${day}T08:00`),
      p.paid(voucher, `${day}T09:00`, 'VILLAGE_AGENT'),
      p.activated(`${day}T09:01`),
    ];
    const a = [1, 2, 3].map((n) => person(n, '411421100'));
    const b = [4, 5].map((n) => person(n, '411421101'));
    await deliver([...enrol(a[0], '2023-09-10', 'MQ-1'), ...enrol(b[0], '2023-09-10', 'MQ-4')]);
    const first = await check();
    await deliver([...enrol(a[1], '2023-09-12', 'MQ-2'), ...enrol(b[1], '2023-09-13', 'MQ-5')]);
    const second = await check();
    await deliver(enrol(a[2], '2023-09-20', 'MQ-3'));
    const third = await check();
    expect([first, second, third]).toEqual([1, 0, 0]);
    expect(await check()).toBe(0);

    const alerts = (await api(sut.svc.url, 'GET', '/v1/alerts?season=2023&region=411421', mib))
      .body as unknown as Record<string, unknown>[];
    const ranked = alerts.filter((x) => x.kind === 'RANKED_BEHIND');
    expect(ranked).toEqual([
      expect.objectContaining({ unitCode: '411421102', since: '2023-09-04', weekEnding: '2023-09-24' }),
    ]);

    // The ranking of that week says the same, and flags the streak as alerted.
    const week = (
      await api(sut.svc.url, 'GET', '/v1/rankings/weekly?season=2023&region=411421&week=2023-09-24', mib)
    ).body as {
      rule: unknown;
      rows: Record<string, unknown>[];
    };
    expect(week.rule).toEqual({
      behind: 'LAST',
      bottomN: null,
      consecutiveWeeks: 3,
      action: '乡镇(街道)政府主要领导提醒谈话',
    });
    expect(
      week.rows.map((r) => [
        r.unitCode,
        r.rank,
        r.active,
        r.completionRate,
        r.behind,
        r.weeksBehind,
        r.alerted,
      ]),
    ).toEqual([
      ['411421100', 1, 3, 0.3, false, 0, false],
      ['411421101', 2, 2, 0.2, false, 0, false],
      ['411421102', 3, 0, 0, true, 3, true],
    ]);

    // On Kafka: exactly one report.alert.raised for the streak, as the contract describes it.
    await waitFor(
      'the outbox to publish',
      async () =>
        Number(
          (await sut.db.query(`SELECT count(*) AS n FROM reporting.outbox WHERE published_at IS NULL`))
            .rows[0].n,
        ),
      (n) => n === 0,
    );
    // The relay publishes at least once (a resend keeps the event id, and consumers skip it): count events by id.
    const byEventId = new Map(
      (await readTopic(`${sut.prefix}report.alert.raised`)).map((e) => [
        e.eventId,
        e.payload as Record<string, unknown>,
      ]),
    );
    const onKafka = [...byEventId.values()];
    expect(onKafka).toHaveLength(7);
    expect(onKafka.filter((p) => p.kind === 'RANKED_BEHIND')).toEqual([
      {
        alertId: ranked[0].alertId,
        kind: 'RANKED_BEHIND',
        season: 2023,
        regionCode: '411421',
        unitCode: '411421102',
        unitName: '龙塘镇',
        level: 'TOWNSHIP',
        since: '2023-09-04',
        weekEnding: '2023-09-24',
        consecutiveWeeks: 3,
        completionRate: 0,
        action: '乡镇(街道)政府主要领导提醒谈话',
        raisedAt: expect.stringMatching(/\+08:00$/),
      },
    ]);
    expect(
      onKafka
        .filter((p) => p.kind === 'MILESTONE_MISSED')
        .map((p) => [p.unitCode, p.since])
        .sort(),
    ).toEqual([
      ['411421100', '2023-11-30'],
      ['411421100', '2023-12-31'],
      ['411421101', '2023-11-30'],
      ['411421101', '2023-12-31'],
      ['411421102', '2023-11-30'],
      ['411421102', '2023-12-31'],
    ]);

    // Milestones per township: 80% of 10 by 30 November is 8 people.
    const ms = (await api(sut.svc.url, 'GET', '/v1/rankings/milestones?season=2023&region=411421', mib))
      .body as unknown as {
      unitCode: string;
      milestones: Record<string, unknown>[];
    }[];
    expect(
      ms.map((u) => [u.unitCode, u.milestones.map((m) => [m.by, m.required, m.done, m.met, m.due])]),
    ).toEqual([
      [
        '411421100',
        [
          ['2023-11-30', 8, 3, false, true],
          ['2023-12-31', 10, 3, false, true],
        ],
      ],
      [
        '411421101',
        [
          ['2023-11-30', 8, 2, false, true],
          ['2023-12-31', 10, 2, false, true],
        ],
      ],
      [
        '411421102',
        [
          ['2023-11-30', 8, 0, false, true],
          ['2023-12-31', 10, 0, false, true],
        ],
      ],
    ]);
  });
});
