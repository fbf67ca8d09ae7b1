import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { EventInjector } from './support/events';
import { minquanId } from './support/feeds';
import { PersonEvents, postQuotas, publish } from './support/reporting';
import { shandanId } from './support/resident-ids';
import {
  api,
  REPO_ROOT,
  ServiceProcess,
  ServiceUnderTest,
  spawnService,
  startServiceUnderTest,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';

const SHOTS = path.join(REPO_ROOT, '.local', 'screenshots');
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);

interface QueueStatus {
  consumerGroups: {
    groupId: string;
    service: string;
    lag: number;
    topics: { topic: string; lag: number }[];
  }[];
  deadLetters: { topic: string; messages: number }[];
  outboxBacklogs: { service: string; backlog: number | null }[];
}

/**
 * The ops view of the queues, in JSON, on /metrics and on its page in a real browser: a second
 * service (subsidy-service, which reads enrollment.registered) is stopped while registrations keep
 * coming, so its group lags; restarted, it catches up and the page, reloading itself, shows 0.
 * Then the weekly bulletin page, as the county and as a township see it.
 */
describe('reporting-service: ops view and pages in a browser', () => {
  let reporting: ServiceUnderTest;
  let subsidy: ServiceProcess;
  let subsidyDb: string;
  let browser: Browser;
  let inject: EventInjector;
  const ops = TEST_KEYS.ops.key;
  const mib = TEST_KEYS.mib.key;
  const subsidyUrl = `http://127.0.0.1:${20640 + 1 + offset}`;
  const subsidyEnv = () => ({
    DATABASE_URL: subsidyDb,
    API_KEYS_FILE: writeKeysFile(),
    KAFKA_TOPIC_PREFIX: reporting.prefix,
  });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    reporting = await startServiceUnderTest('reporting-service', 20630, 'rptops', {
      REPORTING_METRICS_URLS: `reporting-service=http://127.0.0.1:${20630 + 4 + offset}/metrics,subsidy-service=${subsidyUrl}/metrics`,
      REPORTING_OPS_REFRESH_SECONDS: '2',
      REPORTING_ALERT_CHECK_INTERVAL_MS: '86400000',
    });
    inject = new EventInjector(reporting.prefix);
    // subsidy-service on a database of its own, on the same topics (the same deployment).
    const first = await startServiceUnderTest('subsidy-service', 20640, 'rptopssub', {
      KAFKA_TOPIC_PREFIX: reporting.prefix,
    });
    subsidy = first.svc;
    subsidyDb = first.dbUrl;
    await first.db.end();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await subsidy?.stop();
    await reporting?.stop();
  });

  const status = async () =>
    (await api(reporting.svc.url, 'GET', '/v1/ops/queues', ops)).body as unknown as QueueStatus;
  const group = (s: QueueStatus, service: string) => s.consumerGroups.find((g) => g.service === service)!;
  const registration = (n: number) =>
    new PersonEvents(inject, shandanId(n), { regionCode: '620725', townshipCode: '620725100' }).registered(
      '2023-10-08T09:00',
    );

  it('shows lag while a consumer is stopped and none once it caught up, in JSON, in metrics and on the page', async () => {
    const groupId = `${reporting.prefix}subsidy-service`;
    await publish(inject, [registration(1)]);
    const caughtUp = (s: QueueStatus) =>
      group(s, 'subsidy-service').topics.some((t) => t.topic === 'enrollment.registered') &&
      group(s, 'subsidy-service').lag === 0 &&
      group(s, 'reporting-service').lag === 0;
    await waitFor('both groups to commit the first registration', status, caughtUp, 90_000);

    await subsidy.stop();
    await publish(inject, [2, 3, 4, 5, 6].map(registration));
    const lagging = await waitFor(
      'subsidy-service to lag 5 on enrollment.registered',
      status,
      (s) => group(s, 'subsidy-service').lag === 5 && group(s, 'reporting-service').lag === 0,
      90_000,
    );
    expect(group(lagging, 'subsidy-service')).toMatchObject({ groupId, lag: 5, members: 0 });
    expect(
      group(lagging, 'subsidy-service').topics.find((t) => t.topic === 'enrollment.registered')?.lag,
    ).toBe(5);
    expect(lagging.outboxBacklogs).toEqual([
      { service: 'reporting-service', backlog: 0 },
      expect.objectContaining({ service: 'subsidy-service', backlog: null }),
    ]);
    expect(lagging.deadLetters.every((d) => d.messages === 0)).toBe(true);

    const metrics = await (await fetch(`${reporting.svc.url}/metrics`)).text();
    const lagLines = metrics
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('reporting_consumer_group_lag{') &&
          l.includes(`group="${groupId}"`) &&
          l.includes('topic="enrollment.registered"'),
      );
    expect(lagLines.reduce((s, l) => s + Number(l.split(' ').pop()), 0)).toBe(5);
    expect(metrics).toMatch(
      /^reporting_dead_letter_messages\{topic="enrollment\.registered\.dlq",service="reporting-service"\} 0$/m,
    );
    // The metric's own `service` label (the service whose outbox it is) wins over the registry's default one.
    expect(metrics).toMatch(/^reporting_outbox_backlog\{service="reporting-service"\} 0$/m);

    const page = await browser.newPage({
      extraHTTPHeaders: { authorization: `Bearer ${ops}` },
      viewport: { width: 1100, height: 1400 },
    });
    const res = await page.goto(`${reporting.svc.url}/v1/pages/ops`);
    expect(res?.status()).toBe(200);
    const lagCell = page.locator(`tr[data-group="${groupId}"] td.lag`);
    expect(await lagCell.textContent()).toBe('5');
    expect(await page.locator('svg[aria-label="consumer lag per group"] rect').count()).toBe(5);
    await page.screenshot({ path: path.join(SHOTS, 'ops-view-lagging.png'), fullPage: true });

    subsidy = spawnService('subsidy-service', 20640, subsidyEnv());
    await waitReady(subsidy);
    await waitFor('subsidy-service to catch up', status, caughtUp, 90_000);
    // The page reloads itself (every 2 s here) and shows the group caught up, without being asked.
    await waitFor(
      'the page to show the group caught up',
      () => lagCell.textContent({ timeout: 5000 }).catch(() => 'reloading'),
      (text) => text === '0',
      60_000,
    );
    expect(await page.locator(`tr[data-group="${groupId}"] td.lag`).textContent()).toBe('0');
    await page.screenshot({ path: path.join(SHOTS, 'ops-view-caught-up.png'), fullPage: true });

    // Without a key the page is refused like every /v1 route.
    const anonymous = await browser.newPage();
    expect((await anonymous.goto(`${reporting.svc.url}/v1/pages/ops`))?.status()).toBe(401);
    await anonymous.close();
    await page.close();
  });

  it('shows the last daily feed and whether the latest expected one is late, in JSON and metrics', async () => {
    const feeds = async () =>
      ((await api(reporting.svc.url, 'GET', '/v1/ops/queues', ops)).body as unknown as { feeds: unknown[] })
        .feeds;
    const accepted = (feedDate: string, acceptedAt: string) =>
      inject.envelope('feed.accepted', {
        feedId: randomUUID(),
        feedDate,
        regionCode: '620725',
        rows: 10,
        applied: 10,
        reversed: 0,
        duplicates: 0,
        quarantined: 0,
        appliedTotalFen: 380000,
        declaredTotalFen: 380000,
        late: false,
        acceptedAt,
      });
    await publish(inject, [
      accepted('2023-10-09', '2023-10-10T10:00:00+08:00'),
      inject.envelope('feed.late', {
        regionCode: '620725',
        feedDate: '2023-10-10',
        deadline: '2023-10-11T16:00:00+08:00',
        raisedAt: '2023-10-11T16:00:05+08:00',
      }),
    ]);
    const late = {
      regionCode: '620725',
      lastFeedDate: '2023-10-09',
      lastReceivedAt: '2023-10-10T02:00:00.000Z',
      late: true,
      lateFeedDate: '2023-10-10',
    };
    expect(
      await waitFor('the late feed', feeds, (f) => JSON.stringify(f) === JSON.stringify([late])),
    ).toEqual([late]);
    const metrics = await (await fetch(`${reporting.svc.url}/metrics`)).text();
    expect(metrics).toMatch(/^reporting_feed_late\{region="620725",service="reporting-service"\} 1$/m);
    expect(metrics).toMatch(
      /^reporting_last_feed_received_timestamp_seconds\{region="620725",service="reporting-service"\} 1696903200$/m,
    );

    // The late feed arrives: nothing is late any more.
    await publish(inject, [accepted('2023-10-10', '2023-10-11T17:30:00+08:00')]);
    const arrived = {
      regionCode: '620725',
      lastFeedDate: '2023-10-10',
      lastReceivedAt: '2023-10-11T09:30:00.000Z',
      late: false,
      lateFeedDate: null,
    };
    expect(
      await waitFor('the feed to arrive', feeds, (f) => JSON.stringify(f) === JSON.stringify([arrived])),
    ).toEqual([arrived]);
  });

  it('renders the weekly bulletin: the table with completion, movement, alerts and a chart; a township sees its own row', async () => {
    expect(
      (
        await postQuotas(
          reporting.svc.url,
          mib,
          'season,unit_code,unit_name,parent_code,quota,population\n' +
            '2023,411421100,城关镇,411421,10,\n2023,411421101,人和镇,411421,10,\n2023,411421102,龙塘镇,411421,10,\n',
        )
      ).status,
    ).toBe(201);
    const enrol = (n: number, township: string, day: string) => {
      const p = new PersonEvents(inject, minquanId(n), { regionCode: '411421', townshipCode: township });
      return [
        p.registered(`${day}T08:00`),
        p.paid(`BUL-${n}`, `${day}T09:00`, 'WECHAT'),
        p.activated(`${day}T09:01`),
      ];
    };
    const events = [
      ...enrol(1, '411421100', '2023-09-11'),
      ...enrol(2, '411421100', '2023-09-12'),
      ...enrol(3, '411421100', '2023-09-13'),
      ...enrol(4, '411421101', '2023-09-12'),
      ...enrol(5, '411421101', '2023-09-19'),
    ];
    await publish(inject, events);
    await waitFor(
      'the bulletin week to count 3 + 2',
      async () =>
        (
          (
            await api(
              reporting.svc.url,
              'GET',
              '/v1/rankings/weekly?season=2023&region=411421&week=2023-10-01',
              mib,
            )
          ).body as {
            rows?: { active: number }[];
          }
        ).rows?.map((r) => r.active),
      (a) => JSON.stringify(a) === '[3,2,0]',
      90_000,
    );
    expect(
      (await api(reporting.svc.url, 'POST', '/v1/alerts/check', ops, { season: 2023, regionCode: '411421' }))
        .status,
    ).toBe(200);
    const json = (
      await api(
        reporting.svc.url,
        'GET',
        '/v1/rankings/weekly?season=2023&region=411421&week=2023-10-01',
        mib,
      )
    ).body as {
      rows: Record<string, unknown>[];
    };

    const page = await browser.newPage({
      extraHTTPHeaders: { authorization: `Bearer ${mib}` },
      viewport: { width: 1000, height: 900 },
    });
    expect(
      (
        await page.goto(`${reporting.svc.url}/v1/pages/bulletin?season=2023&region=411421&week=2023-10-01`)
      )?.status(),
    ).toBe(200);
    const cells = await page
      .locator('#ranking tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
      );
    expect(cells).toEqual(
      json.rows.map((r) => [
        String(r.rank),
        r.unitName,
        String(r.quota),
        String(r.active),
        `${((r.completionRate as number) * 100).toFixed(2)}%`,
        String(r.previousRank),
        r.movement === 0
          ? '→'
          : (r.movement as number) > 0
            ? `↑${r.movement}`
            : `↓${-(r.movement as number)}`,
        String(r.weeksBehind),
        r.alerted ? '预警' : '',
      ]),
    );
    expect(cells.map((c) => c[1])).toEqual(['城关镇', '人和镇', '龙塘镇']);
    // 龙塘镇 is last from the week of 09-11 (the week before, nobody had enrolled): 3 weeks on Sunday 10-01.
    expect(cells[2].slice(7)).toEqual(['3', '预警']);
    expect(await page.locator('#alerts').textContent()).toContain('2023-10-01 龙塘镇：连续 3 周排名落后');
    expect(await page.locator('svg[aria-label="完成率"] rect').count()).toBe(3);
    await page.screenshot({ path: path.join(SHOTS, 'weekly-bulletin.png'), fullPage: true });
    await page.close();

    // A township key sees its own township's row of its county's bulletin, nothing else.
    await publish(inject, [
      ...[7, 8].map((n) =>
        new PersonEvents(inject, shandanId(n), {
          regionCode: '620725',
          townshipCode: n === 7 ? '620725100' : '620725101',
        }).registered('2023-10-09T09:00'),
      ),
    ]);
    const own = await browser.newPage({
      extraHTTPHeaders: { authorization: `Bearer ${TEST_KEYS.township.key}` },
    });
    await waitFor(
      'the Shandan bulletin',
      async () =>
        (await own.goto(`${reporting.svc.url}/v1/pages/bulletin?season=2023&region=620725`))?.status(),
      (s) => s === 200,
    );
    const units = await own
      .locator('#ranking tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit')));
    expect(units).toEqual(['620725100']);
    await own.screenshot({ path: path.join(SHOTS, 'weekly-bulletin-township.png'), fullPage: true });
    await own.close();
  });
});
