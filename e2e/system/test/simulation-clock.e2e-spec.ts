import {
  api,
  ServiceUnderTest,
  spawnService,
  startServiceUnderTest,
  TEST_KEYS,
  waitFor,
} from './support/services';
import { committedEvents } from './support/topics';

// Base ports from the season range (21700-21799); each service adds its index.
describe('the simulation clock (CLOCK_MODE=simulation)', () => {
  it.each([
    ['CLOCK_MODE', 'simulation', 'CLOCK_MODE: CLOCK_MODE=simulation is refused where NODE_ENV=production'],
    [
      'CLOCK_START',
      '2023-10-15T10:00:00+08:00',
      'CLOCK_START: CLOCK_START is refused where NODE_ENV=production',
    ],
  ])('is refused at boot where NODE_ENV=production (%s=%s)', async (setting, value, expected) => {
    const svc = spawnService('refund-service', 21700, { NODE_ENV: 'production', [setting]: value });
    const code = await new Promise<number | null>((resolve) => svc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(svc.output()).toContain(`[refund-service] invalid configuration: ${expected}`);
  });

  describe('moved by the simulator', () => {
    let feed: ServiceUnderTest;
    let subsidy: ServiceUnderTest;
    beforeAll(async () => {
      const env = { CLOCK_MODE: 'simulation', CLOCK_START: '2023-11-20T10:00:00+08:00' };
      [feed, subsidy] = await Promise.all([
        startServiceUnderTest('tax-collection-feed-service', 21710, 'seasonclockfeed', {
          ...env,
          FEED_MONITOR_FROM: '2023-11-20',
          FEED_MONITOR_INTERVAL_MS: '100',
        }),
        startServiceUnderTest('subsidy-service', 21710, 'seasonclocksub', {
          ...env,
          SUBSIDY_MATCH_CHECK_MS: '100',
        }),
      ]);
    });
    afterAll(async () => {
      await feed?.stop();
      await subsidy?.stop();
    });

    const lateRegions = async () =>
      (await committedEvents(feed.db, 'tax_feed', feed.prefix, 'feed.late'))
        .filter((e) => e.payload.feedDate === '2023-11-20')
        .map((e) => e.payload.regionCode as string)
        .sort();

    it('reads the clock for mib and ops only, and moves only for them, with a valid instant', async () => {
      const read = await api(feed.svc.url, 'GET', '/v1/clock', TEST_KEYS.ops.key);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ mode: 'simulation', today: '2023-11-20' });
      expect((await api(feed.svc.url, 'GET', '/v1/clock', TEST_KEYS.tax.key)).status).toBe(403);
      const tax = await api(feed.svc.url, 'PUT', '/v1/clock', TEST_KEYS.tax.key, {
        now: '2024-01-01T00:00:00+08:00',
      });
      expect(tax.status).toBe(403);
      const bad = await api(feed.svc.url, 'PUT', '/v1/clock', TEST_KEYS.mib.key, { now: 'tomorrow' });
      expect(bad.status).toBe(400);
      expect((await api(feed.svc.url, 'GET', '/v1/clock', TEST_KEYS.ops.key)).body).toMatchObject({
        today: '2023-11-20',
      });
    });

    it('fires the 16:00 feed deadline when the date is moved past it, and not before', async () => {
      await new Promise((r) => setTimeout(r, 500)); // several monitor ticks on 20 November
      expect(await lateRegions()).toEqual([]);
      const moved = await api(feed.svc.url, 'PUT', '/v1/clock', TEST_KEYS.ops.key, {
        now: '2023-11-21T15:59:58+08:00',
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ mode: 'simulation', today: '2023-11-21' });
      await new Promise((r) => setTimeout(r, 500));
      expect(await lateRegions()).toEqual([]);
      await api(feed.svc.url, 'PUT', '/v1/clock', TEST_KEYS.ops.key, { now: '2023-11-21T16:00:05+08:00' });
      // Shandan and Minquan collect on 20 November 2023.
      expect(await waitFor('feed.late', lateRegions, (r) => r.length >= 2, 20_000)).toEqual([
        '411421',
        '620725',
      ]);
    });

    it('runs the monthly match for a month once the date moves past its end', async () => {
      const runs = async () =>
        (await subsidy.db.query(`SELECT month, trigger FROM subsidy.match_runs ORDER BY month`)).rows;
      // Booted on 20 November: October's match ran at once.
      await waitFor('October match', runs, (r) => r.length >= 1, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(await runs()).toEqual([{ month: '2023-10', trigger: 'schedule' }]);
      await api(subsidy.svc.url, 'PUT', '/v1/clock', TEST_KEYS.mib.key, { now: '2023-12-01T00:00:01+08:00' });
      expect(await waitFor('November match', runs, (r) => r.length >= 2, 20_000)).toEqual([
        { month: '2023-10', trigger: 'schedule' },
        { month: '2023-11', trigger: 'schedule' },
      ]);
    });
  });

  it('has no clock route on a service with the system clock', async () => {
    const under = await startServiceUnderTest('refund-service', 21720, 'seasonclocksys');
    try {
      expect(
        (
          await api(under.svc.url, 'PUT', '/v1/clock', TEST_KEYS.ops.key, {
            now: '2024-01-01T00:00:00+08:00',
          })
        ).status,
      ).toBe(404);
    } finally {
      await under.stop();
    }
  });
});
