import { Client } from 'pg';
import { waitForTopicDrained } from './support/metrics';
import { shandanId } from './support/resident-ids';
import { pushFeed } from './support/feeds';
import {
  api,
  SERVICES,
  ServiceName,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
  freshDatabase,
} from './support/services';

let dbUrl = '';

const BASE_PORT = 14100;

describe('walking skeleton: five services, one event across', () => {
  const services = new Map<ServiceName, ServiceProcess>();
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}skeleton.`;

  beforeAll(async () => {
    dbUrl = await freshDatabase('skeleton');
    // In Shandan's 2023 collection window.
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '3',
      CLOCK_START: '2023-10-15T10:00:00+08:00',
    };
    for (const name of Object.keys(SERVICES) as ServiceName[])
      services.set(name, spawnService(name, BASE_PORT, env));
    await Promise.all([...services.values()].map((s) => waitReady(s)));
  });

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
  });

  const url = (name: ServiceName) => services.get(name)!.url;

  it('boots all five, each migrated into its own schema and ready', async () => {
    for (const name of services.keys()) {
      const ready = await api(url(name), 'GET', '/health/ready');
      expect(ready).toEqual({
        status: 200,
        body: { ready: true, checks: { database: true, kafka: true, consumers: true, outboxRelay: true } },
      });
      expect((await api(url(name), 'GET', '/health/live')).status).toBe(200);
    }
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    try {
      // Each service's schema exists, holds the backbone's tables, and records the migrations applied.
      for (const schema of ['enrollment', 'subsidy', 'tax_feed', 'refund', 'reporting']) {
        const { rows } = await db.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
          [schema],
        );
        expect(rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining(['outbox', 'inbox', 'migrations']),
        );
        const applied = await db.query(`SELECT name FROM "${schema}".migrations ORDER BY id`);
        expect(applied.rows[0]).toEqual({ name: 'MessagingTables1763800000000' });
      }
      // And nothing else: no service writes outside its schema.
      const { rows: stray } = await db.query(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(stray).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('carries enrollment.registered from the enrollment outbox to the reporting projection, once', async () => {
    const people = [1, 2, 3].map((n) => ({
      idNumber: shandanId(n),
      name: `测试${n}`,
      season: 2023,
      regionCode: '620725',
      townshipCode: '620725100',
      villageCode: n === 3 ? '620725100002' : '620725100001',
      kind: 'NEW',
    }));
    for (const p of people) {
      const r = await api(url('enrollment-service'), 'POST', '/v1/enrollments', TEST_KEYS.mib.key, p);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ idNumber: p.idNumber, season: 2023, status: 'REGISTERED' });
    }
    // A repeat is refused and publishes nothing.
    const again = await api(
      url('enrollment-service'),
      'POST',
      '/v1/enrollments',
      TEST_KEYS.mib.key,
      people[0],
    );
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: 'person is already enrolled for season 2023',
    });

    const villages = async () =>
      (
        (
          await api(
            url('reporting-service'),
            'GET',
            '/v1/progress?season=2023&region=620725&level=VILLAGE',
            TEST_KEYS.mib.key,
          )
        ).body as unknown as { unitCode: string; registered: number }[]
      ).map((r) => ({ unitCode: r.unitCode, registered: r.registered }));
    const progress = await waitFor(
      'reporting to count 3 registrations',
      villages,
      (rows) => Array.isArray(rows) && rows.reduce((s, r) => s + r.registered, 0) >= 3,
    );
    await waitForTopicDrained(
      url('enrollment-service'),
      url('reporting-service'),
      prefix,
      'enrollment.registered',
    );
    const settled = await villages();
    expect(settled).toEqual(progress);
    expect(settled).toEqual([
      { unitCode: '620725100001', registered: 2 },
      { unitCode: '620725100002', registered: 1 },
    ]);
  });

  it("activates an enrolment from the tax bureau's feed: the payment crosses tax feed -> Kafka -> enrollment", async () => {
    const person = shandanId(20);
    const reg = await api(url('enrollment-service'), 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
      idNumber: person,
      name: '缴费人',
      season: 2023,
      regionCode: '620725',
      townshipCode: '620725100',
      kind: 'NEW',
    });
    expect(reg.status).toBe(201);
    const csv =
      'voucher_no,kind,original_voucher_no,id_number,name,region_code,township_code,village_code,season,amount_fen,channel,paid_at\n' +
      `SK-1,PAYMENT,,${person},缴费人,620725,620725100,,2023,38000,WECHAT,2023-10-15T09:12:00+08:00\n`;
    const feed = await pushFeed(url('tax-collection-feed-service'), TEST_KEYS.tax.key, {
      body: csv,
      date: '2023-10-15',
      region: '620725',
      count: 1,
      total: 38000,
    });
    expect(feed.status).toBe(201);
    const view = await waitFor(
      'enrolment activated by the feed',
      async () =>
        (await api(url('enrollment-service'), 'GET', `/v1/persons/${person}/seasons/2023`, TEST_KEYS.mib.key))
          .body,
      (b) => b.status === 'ACTIVE',
    );
    expect(view).toMatchObject({
      paidFen: 38000,
      benefitPeriod: { from: '2024-01-01', to: '2024-12-31' },
      payments: [{ voucherNo: 'SK-1', channel: 'WECHAT' }],
    });
  });

  it('refuses requests without a key (401), with an unknown key (401), and with a role not allowed (403)', async () => {
    const body = { idNumber: shandanId(9), name: '李四', season: 2023, regionCode: '620725', kind: 'NEW' };
    const enrol = url('enrollment-service');
    expect(await api(enrol, 'POST', '/v1/enrollments', undefined, body)).toEqual({
      status: 401,
      body: {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'missing API key: send Authorization: Bearer <key>',
      },
    });
    expect(await api(enrol, 'POST', '/v1/enrollments', 'not-a-key', body)).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'unknown API key' },
    });
    expect(await api(enrol, 'POST', '/v1/enrollments', TEST_KEYS.tax.key, body)).toEqual({
      status: 403,
      body: {
        statusCode: 403,
        error: 'Forbidden',
        message: 'role tax may not call this endpoint (allowed: mib, township)',
      },
    });
    // A township key acts only in its own area.
    const other = await api(enrol, 'POST', '/v1/enrollments', TEST_KEYS.township.key, {
      ...body,
      townshipCode: '620725101',
    });
    expect(other).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'township 620725100 may only see its own area' },
    });
    const own = await api(enrol, 'POST', '/v1/enrollments', TEST_KEYS.township.key, {
      ...body,
      townshipCode: '620725100',
    });
    expect(own.status).toBe(201);
    // Nothing half-applied by the refusals: only the township's own registration exists.
    const again = await api(enrol, 'POST', '/v1/enrollments', TEST_KEYS.mib.key, body);
    expect(again.status).toBe(409);
  });

  it('answers a bad request with the JSON error shape and changes nothing', async () => {
    const good = shandanId(5);
    const wrongCheck = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const person = { name: '王五', season: 2023, regionCode: '620725', kind: 'NEW' };
    const r = await api(url('enrollment-service'), 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
      ...person,
      idNumber: wrongCheck,
      extra: 1,
    });
    expect(r).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'request validation failed',
        details: ['property extra should not exist', 'idNumber must be a valid resident ID number'],
      },
    });
    // The refused request stored nothing: the same person can now be registered once.
    expect(
      (
        await api(url('enrollment-service'), 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
          ...person,
          idNumber: good,
        })
      ).status,
    ).toBe(201);
  });

  it('serves OpenAPI at /docs and Prometheus metrics at /metrics', async () => {
    for (const name of services.keys()) {
      const doc = await fetch(`${url(name)}/docs-json`);
      expect(doc.status).toBe(200);
      const json = (await doc.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
      const metrics = await (await fetch(`${url(name)}/metrics`)).text();
      expect(metrics).toContain('messaging_outbox_backlog');
    }
    const enrolDoc = (await (await fetch(`${url('enrollment-service')}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(enrolDoc.paths)).toContain('/v1/enrollments');
    // Six registrations so far in this file, each published once through the outbox.
    const produced = async () => {
      const text = await (await fetch(`${url('enrollment-service')}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('messaging_events_produced_total{') &&
            l.includes(`topic="${prefix}enrollment.registered"`),
        );
      return Number(line?.split(' ').pop() ?? 0);
    };
    expect(await waitFor('relay to publish every registration', produced, (n) => n >= 6)).toBe(6);
  });
});
