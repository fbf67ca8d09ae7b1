import ExcelJS from 'exceljs';
import { IHeaders, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { controlTotals, feedCsv, FeedLine } from './support/feeds';
import { shandanId } from './support/resident-ids';
import { uploadRoster } from './support/rosters';
import {
  freshDatabase,
  SERVICES,
  ServiceName,
  ServiceProcess,
  spawnService,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';

/**
 * The log-scan test of issue #14: the five services on one database and one topic prefix, a
 * scripted season through their interfaces with known ID numbers — registration (and its refusals),
 * a batch with rejects, a roster with an unknown category (one whose category cell holds an ID), a
 * feed with quarantined rows, refund applications (single, CSV with a reject, approved, planned,
 * exported), a poison message on Kafka — then everything a reader other than the person's own
 * case worker can see is collected: every line the services wrote on stdout and stderr (at debug
 * level), /metrics of each, the headers of dead letters, reject CSV/XLSX, the refund plan and
 * unpaid-list workbooks, every error body, the quarantined raw lines in the database. None may
 * hold any of the ID numbers in full: as written, in lower case, in full-width digits, URL-encoded
 * (ASCII and full-width). The answers that must name the person (the person's own record to a
 * clerk with a key) are not scanned; the read audit records them instead, and that is checked too.
 */

const BASE_PORT = 21500;
const prefix = `${process.env.KAFKA_TOPIC_PREFIX}pii-logscan.`;

const KEYS = {
  mib: { holder: 'pii-mib-clerk', role: 'mib', key: 'pii-logscan-mib-0123456789' },
  auditor: { holder: 'pii-mib-auditor', role: 'mib', key: 'pii-logscan-auditor-0123456789' },
  tax: { holder: 'pii-tax-feed', role: 'tax', key: 'pii-logscan-tax-0123456789' },
  finance: { holder: 'pii-finance', role: 'finance', key: 'pii-logscan-finance-0123456789' },
  ca: { holder: 'pii-ca-clerk', role: 'civil-affairs', key: 'pii-logscan-ca-0123456789' },
  ops: { holder: 'pii-ops', role: 'ops', key: 'pii-logscan-ops-0123456789' },
} as const;

// The people of the script (Shandan, season 2021: the refund desk's seed season).
const A = shandanId(301, '19800101'); // registered, pays twice, asks for a refund
const B = shandanId(302, '19810202'); // registered by batch, pays once
const C = shandanId(303, '19820303'); // twice in the batch
const D = shandanId(304, '19830304'); // batch row with a bad season
const E = shandanId(305, '19840405'); // feed row of another region: quarantined
const F = shandanId(306, '19850506'); // an ID where a voucher number belongs
const G = shandanId(307, '19860607'); // in a roster's category cell
const H = shandanId(308, '19870708'); // roster row with an unknown category
const K = shandanId(309, '19880809'); // refund CSV row refused
const P = shandanId(310, '19890910'); // in a poison message on Kafka
const Q = shandanId(311, '19901011'); // asked for in full-width and URL-encoded forms
const X = '11010519491231002X'; // the standard's example, with its X
const PEOPLE = { A, B, C, D, E, F, G, H, K, P, Q, X };

const fullWidth = (s: string) =>
  [...s].map((c) => (c === 'X' ? 'Ｘ' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');
const urlEncoded = (s: string) =>
  [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');

/** Every way an ID number could be spelt in a text it leaked into. */
function formsOf(id: string): string[] {
  return [
    id,
    id.toLowerCase(),
    fullWidth(id),
    encodeURIComponent(fullWidth(id)),
    encodeURIComponent(fullWidth(id)).toLowerCase(),
    urlEncoded(id),
    urlEncoded(id).toLowerCase(),
  ];
}

async function workbookText(bytes: ArrayBuffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => cells.push(JSON.stringify(row.values))));
  return cells.join('\n');
}

describe('personal data: no ID number in full in logs, metrics, DLQ headers, exports or error bodies', () => {
  const svc = {} as Record<ServiceName, ServiceProcess>;
  let db: Client;
  /** Everything collected for the scan, by where it came from. */
  const seen: { where: string; text: string }[] = [];
  const keep = (where: string, text: string) => seen.push({ where, text });

  async function call(
    service: ServiceName,
    method: string,
    route: string,
    key: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; text: string; bytes: ArrayBuffer }> {
    const r = await fetch(`${svc[service].url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const bytes = await r.arrayBuffer();
    const text = Buffer.from(bytes).toString('utf8');
    // Every error body is scanned, whatever the route.
    if (r.status >= 400) keep(`${service} ${method} ${route} -> ${r.status}`, text);
    const json = (r.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : {};
    return { status: r.status, body: json, text, bytes };
  }

  beforeAll(async () => {
    const dbUrl = await freshDatabase('pii_logscan');
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(KEYS),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'debug',
      SUBSIDY_MATCH_SCHEDULE: 'off',
    };
    const clocks: Record<ServiceName, string> = {
      'enrollment-service': '2021-10-15T10:00:00+08:00',
      'subsidy-service': '2021-10-15T10:00:00+08:00',
      'tax-collection-feed-service': '2021-10-17T09:00:00+08:00',
      'refund-service': '2022-01-10T10:00:00+08:00',
      'reporting-service': '2021-10-20T10:00:00+08:00',
    };
    for (const name of Object.keys(SERVICES) as ServiceName[]) {
      svc[name] = spawnService(name, BASE_PORT, {
        ...env,
        CLOCK_START: clocks[name],
      });
      // One at a time: five services migrating one database at once on two cores is slow anyway.
      await waitReady(svc[name], 180_000);
    }
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  }, 600_000);

  afterAll(async () => {
    await Promise.all(Object.values(svc).map((s) => s?.stop()));
    await db?.end();
  });

  it('runs a season with known ID numbers and finds none of them in full anywhere but the person’s own record', async () => {
    const mib = KEYS.mib.key;
    // --- enrollment: registration, its refusals, the person's record, a batch with rejects
    const registration = (idNumber: string, extra: object = {}) => ({
      idNumber,
      name: '扫描甲',
      season: 2021,
      regionCode: '620725',
      townshipCode: '620725100',
      kind: 'NEW',
      ...extra,
    });
    expect((await call('enrollment-service', 'POST', '/v1/enrollments', mib, registration(A))).status).toBe(
      201,
    );
    expect((await call('enrollment-service', 'POST', '/v1/enrollments', mib, registration(A))).status).toBe(
      409,
    );
    // Refusals that quote what was sent: a name holding IDs, IDs in odd shapes.
    expect(
      (
        await call(
          'enrollment-service',
          'POST',
          '/v1/enrollments',
          mib,
          registration(`${Q}9`, { name: `${Q}${fullWidth(X)}`, villageCode: `7${Q}` }),
        )
      ).status,
    ).toBe(400);
    expect(
      (await call('enrollment-service', 'POST', '/v1/enrollments', mib, registration(fullWidth(Q)))).status,
    ).toBe(400);
    for (const shape of [encodeURIComponent(fullWidth(Q)), urlEncoded(Q), `${Q}0`])
      expect(
        (await call('enrollment-service', 'GET', `/v1/persons/${shape}/seasons/2021`, mib)).status,
      ).toBeGreaterThanOrEqual(400);
    expect((await call('enrollment-service', 'GET', `/v1/persons/${X}/seasons/2021`, mib)).status).toBe(404);
    const own = await call('enrollment-service', 'GET', `/v1/persons/${A}/seasons/2021`, mib);
    expect(own.status).toBe(200);
    expect(own.body.idNumber).toBe(A); // the person's own record names them: not scanned, audited

    const batchCsv = [
      'id_number,name,season,region_code,township_code,village_code,kind',
      `${B},扫描乙,2021,620725,620725100,,NEW`,
      `${C},扫描丙,2021,620725,620725100,,NEW`,
      `${C},扫描丙,2021,620725,620725100,,NEW`,
      `${D},扫描丁,1899,620725,620725100,,NEW`,
      `${X}1,扫描戊${X},2021,620725,620725100,,NEW`,
    ].join('\n');
    const batch = await call('enrollment-service', 'POST', '/v1/enrollments/batch', mib, batchCsv, {
      'content-type': 'text/csv',
    });
    expect(batch.status).toBe(202);
    const batchId = batch.body.batchId as string;
    await waitFor(
      'the batch',
      async () => (await call('enrollment-service', 'GET', `/v1/enrollments/batch/${batchId}`, mib)).body,
      (b) => b.status === 'DONE',
    );
    const rejectsCsv = await call(
      'enrollment-service',
      'GET',
      `/v1/enrollments/batch/${batchId}/rejects`,
      mib,
    );
    expect(rejectsCsv.text).toContain('DUPLICATE_IN_FILE');
    keep('batch rejects CSV', rejectsCsv.text);
    const rejectsXlsx = await call(
      'enrollment-service',
      'GET',
      `/v1/enrollments/batch/${batchId}/rejects?format=xlsx`,
      mib,
    );
    keep('batch rejects XLSX', await workbookText(rejectsXlsx.bytes));

    // --- subsidy: a roster with an unknown category, one of them an ID in the category cell
    const roster = await uploadRoster(
      svc['subsidy-service'].url,
      KEYS.ca.key,
      'CIVIL_AFFAIRS',
      '2021-10-01',
      [
        `${A},扫描甲,特困人员,620725,,`,
        `${H},扫描己,不存在的类别,620725,,`,
        `${B},扫描乙,${G},620725,,`,
        `${C},扫描丙,${fullWidth(G)}${G.slice(0, 3)},620725,,`,
      ],
    );
    expect(roster.status).toBe(201);
    expect((roster.body.rejects as { code: string }[]).map((r) => r.code)).toEqual([
      'UNKNOWN_CATEGORY',
      'UNKNOWN_CATEGORY',
      'UNKNOWN_CATEGORY',
    ]);
    keep('roster upload answer', JSON.stringify(roster.body));
    keep(
      'roster view',
      (await call('subsidy-service', 'GET', `/v1/rosters/${roster.body.uploadId}`, mib)).text,
    );

    // --- tax feed: A pays twice, B once; E of another region and F as a voucher number quarantined
    const lines: FeedLine[] = [
      {
        voucher: 'PII-A-1',
        id: A,
        region: '620725',
        township: '620725100',
        season: 2021,
        amount: 32000,
        paidAt: '2021-10-16T09:00:00+08:00',
      },
      {
        voucher: 'PII-A-2',
        id: A,
        region: '620725',
        township: '620725100',
        season: 2021,
        amount: 32000,
        paidAt: '2021-10-16T09:30:00+08:00',
      },
      {
        voucher: 'PII-B-1',
        id: B,
        region: '620725',
        township: '620725100',
        season: 2021,
        amount: 32000,
        paidAt: '2021-10-16T10:00:00+08:00',
      },
      {
        voucher: 'PII-E-1',
        id: E,
        region: '411421',
        season: 2021,
        amount: 32000,
        paidAt: '2021-10-16T10:30:00+08:00',
      },
      {
        voucher: F,
        kind: 'BOGUS' as 'PAYMENT',
        id: F,
        region: '620725',
        season: 2021,
        amount: 32000,
        paidAt: '2021-10-16T11:00:00+08:00',
      },
    ];
    const totals = controlTotals(lines);
    const feed = await call(
      'tax-collection-feed-service',
      'POST',
      '/v1/feeds',
      KEYS.tax.key,
      feedCsv(lines),
      {
        'content-type': 'text/csv',
        'x-feed-date': '2021-10-16',
        'x-region-code': '620725',
        'x-record-count': String(totals.count),
        'x-total-amount-fen': String(totals.total),
      },
    );
    expect(feed.status).toBe(201);
    keep('feed answer', feed.text);
    const feedRejects = await call(
      'tax-collection-feed-service',
      'GET',
      `/v1/feeds/${feed.body.feedId}/rejects`,
      KEYS.tax.key,
    );
    expect(feedRejects.text).toContain('REGION_MISMATCH');
    keep('feed rejects', feedRejects.text);
    const raw = await db.query(`SELECT line_no, raw_line FROM tax_feed.exceptions ORDER BY line_no`);
    expect(raw.rows.length).toBe(2);
    keep('tax_feed.exceptions.raw_line', JSON.stringify(raw.rows));

    // --- refunds: A's second payment back (single), a CSV with a refused row, review, plan, export
    await waitFor(
      "A's payments at the refund desk",
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM refund.payments WHERE id_number = $1`, [A])).rows[0]
          .n,
      (n) => n === 2,
      120_000,
    );
    const candidates = await waitFor(
      'A among the refund candidates',
      async () =>
        (
          await call(
            'refund-service',
            'GET',
            '/v1/refund-candidates?season=2021&regionCode=620725',
            KEYS.tax.key,
          )
        ).body.items as { idNumber: string }[],
      (items) => items?.some((c) => c.idNumber === A),
      120_000,
    );
    expect(candidates.length).toBeGreaterThan(0);
    const applied = await call('refund-service', 'POST', '/v1/refunds', KEYS.tax.key, {
      voucherNo: 'PII-A-2',
      idNumber: A,
      amountFen: 32000,
      reason: 'DUPLICATE_PAYMENT',
      payeeName: '扫描甲',
      payeeBank: '中国农业银行山丹县支行',
      payeeAccount: '6228480123456789012',
    });
    expect(applied.status).toBe(201);
    const refundId = applied.body.refundId as string;
    const refundCsv = [
      'voucher_no,id_number,amount_fen,reason,payee_name,payee_bank,payee_account,note',
      `PII-K-1,${K},32000,DUPLICATE_PAYMENT,扫描庚,,6228480123456789012,${K}`,
      `PII-K-2,${K},32000,${K},扫描庚,,6228480123456789012,`,
    ].join('\n');
    const refundBatch = await call('refund-service', 'POST', '/v1/refunds/batch', KEYS.tax.key, refundCsv, {
      'content-type': 'text/csv',
    });
    expect(refundBatch.status).toBe(200);
    expect(refundBatch.body.rejectedCount).toBe(1);
    keep('refund batch answer', refundBatch.text);
    expect(
      (
        await call('refund-service', 'POST', `/v1/refunds/${refundId}/review`, mib, {
          decision: 'APPROVE',
          reason: '核实无误',
        })
      ).status,
    ).toBe(200);
    const plan = await call('refund-service', 'POST', '/v1/refund-plans', mib, { refundIds: [refundId] });
    expect(plan.status).toBe(201);
    const planXlsx = await call(
      'refund-service',
      'GET',
      `/v1/refund-plans/${plan.body.planId}/export`,
      KEYS.finance.key,
    );
    expect(planXlsx.status).toBe(200);
    const planText = await workbookText(planXlsx.bytes);
    expect(planText).toContain('PII-A-2');
    keep('refund plan XLSX', planText);
    expect((await call('refund-service', 'GET', `/v1/refunds/${refundId}`, mib)).status).toBe(200);

    // --- reporting: the unpaid list as a township would print it
    await waitFor(
      'registrations projected by reporting',
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM reporting.fact_registration WHERE season = 2021`))
          .rows[0].n,
      (n) => n >= 3,
      120_000,
    );
    const unpaid = await call('reporting-service', 'GET', '/v1/unpaid/export?season=2021&region=620725', mib);
    expect(unpaid.status).toBe(200);
    keep('unpaid list XLSX', await workbookText(unpaid.bytes));

    // --- Kafka: a poison message quoting IDs in three shapes, dead-lettered by enrollment-service
    const kafka = new Kafka({
      clientId: 'pii-logscan',
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${prefix}payment.recorded`,
      messages: [
        { key: P, value: `not json ${P} ${fullWidth(P)} ${urlEncoded(P)}`, headers: { note: 'pii' } },
      ],
    });
    await producer.disconnect();
    const dlqHeaders: IHeaders[] = [];
    const consumer = kafka.consumer({ groupId: `${prefix}pii-logscan-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}payment.recorded.dlq`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void dlqHeaders.push(message.headers ?? {}) });
    await waitFor(
      'the dead letter',
      async () => dlqHeaders.length,
      (n) => n >= 1,
      60_000,
    );
    await consumer.disconnect();
    const headerText = dlqHeaders
      .map((h) =>
        Object.entries(h)
          .map(([k, v]) => `${k}: ${(Array.isArray(v) ? v : [v]).map((x) => String(x)).join(',')}`)
          .join('\n'),
      )
      .join('\n');
    expect(headerText).toContain('x-dlq-error');
    keep('DLQ headers', headerText);

    // --- the auditor: who read A's record at enrollment-service
    const audit = await call(
      'enrollment-service',
      'GET',
      `/v1/audit/person-reads?idNumber=${A}`,
      KEYS.auditor.key,
    );
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({
      idNumber: A,
      reads: [{ holder: KEYS.mib.holder, role: 'mib', route: 'GET /v1/persons/:idNumber/seasons/:season' }],
    });
    // Refund reads were recorded by refund-service: the single refund and the candidates list.
    const refundAudit = await call(
      'refund-service',
      'GET',
      `/v1/audit/person-reads?idNumber=${A}`,
      KEYS.auditor.key,
    );
    expect((refundAudit.body.reads as { route: string }[]).map((r) => r.route).sort()).toEqual([
      'GET /v1/refund-candidates',
      'GET /v1/refunds/:id',
    ]);
    expect(
      (await call('enrollment-service', 'GET', `/v1/audit/person-reads?idNumber=${A}`, KEYS.ops.key)).status,
    ).toBe(403);

    // --- metrics of every service, then stop them so every log line is flushed
    for (const name of Object.keys(SERVICES) as ServiceName[]) {
      const m = await fetch(`${svc[name].url}/metrics`);
      keep(`${name} /metrics`, await m.text());
    }
    await Promise.all(Object.values(svc).map((s) => s.stop()));
    for (const name of Object.keys(SERVICES) as ServiceName[])
      keep(`${name} stdout+stderr`, svc[name].output());
    // The scan is only worth something if the logs are there: requests and refusals were logged.
    const logs = seen
      .filter((s) => s.where.endsWith('stdout+stderr'))
      .map((s) => s.text)
      .join('\n');
    expect(logs).toContain('"message":"http request"');
    expect(logs).toMatch(/dead.?letter/i);

    const leaks: string[] = [];
    for (const { where, text } of seen)
      for (const [who, id] of Object.entries(PEOPLE))
        for (const form of formsOf(id)) if (text.includes(form)) leaks.push(`${who} (${form}) in ${where}`);
    expect(leaks).toEqual([]);
    // And the masked forms are what the readers got instead.
    expect(seen.find((s) => s.where === 'feed rejects')!.text).toContain(
      `${E.slice(0, 6)}********${E.slice(14)}`,
    );
  }, 900_000);
});
