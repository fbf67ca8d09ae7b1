import { mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKind, fileColumns } from '@urrbmi/contracts';
import {
  csvOf,
  duplicateHeader,
  exampleRow,
  gbkWithoutCharset,
  HostileFile,
  missingHeader,
  openQuote,
  singleLine,
  unknownHeader,
  workbookOf,
  xlsxBomb,
} from './support/hostile-files';
import {
  api,
  ServiceName,
  ServiceProcess,
  ServiceUnderTest,
  spawnService,
  startServiceUnderTest,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';

const BASE = 21400;
type Key = keyof typeof TEST_KEYS;

/** One upload endpoint: where it is, who may send, and the tables where a file would leave a trace. */
interface Endpoint {
  label: string;
  service: ServiceName;
  route: string;
  key: Key;
  kind: FileKind;
  headers: Record<string, string>;
  tables: string[];
  /** The storage directory variable the service reads, so the test can see what stays on disk. */
  storageVar: string;
}

const FEED_HEADERS = {
  'X-Feed-Date': '2023-10-16',
  'X-Region-Code': '620725',
  'X-Record-Count': '1',
  'X-Total-Amount-Fen': '38000',
};

const ENDPOINTS = {
  registrations: {
    label: 'enrollment batch (registrations)',
    service: 'enrollment-service',
    route: '/v1/enrollments/batch',
    key: 'mib',
    kind: 'enrollment-registrations',
    headers: {},
    tables: [
      'enrollment.batches',
      'enrollment.batch_rejects',
      'enrollment.enrollments',
      'enrollment.history',
    ],
    storageVar: 'BATCH_STORAGE_DIR',
  },
  deaths: {
    label: 'enrollment batch (deaths)',
    service: 'enrollment-service',
    route: '/v1/enrollments/batch',
    key: 'mib',
    kind: 'enrollment-deaths',
    headers: { 'X-Batch-Type': 'DEATHS' },
    tables: [
      'enrollment.batches',
      'enrollment.batch_rejects',
      'enrollment.enrollments',
      'enrollment.history',
    ],
    storageVar: 'BATCH_STORAGE_DIR',
  },
  roster: {
    label: 'subsidy roster',
    service: 'subsidy-service',
    route: '/v1/rosters',
    key: 'civilAffairs',
    kind: 'roster',
    headers: { 'X-Roster-Source': 'CIVIL_AFFAIRS', 'X-As-Of': '2023-10-01', 'X-Region-Code': '411421' },
    tables: ['subsidy.roster_uploads', 'subsidy.roster_rows', 'subsidy.roster_rejects', 'subsidy.identities'],
    storageVar: 'ROSTER_STORAGE_DIR',
  },
  feed: {
    label: 'tax daily feed',
    service: 'tax-collection-feed-service',
    route: '/v1/feeds',
    key: 'tax',
    kind: 'daily-feed',
    headers: FEED_HEADERS,
    tables: ['tax_feed.feeds', 'tax_feed.payments', 'tax_feed.exceptions'],
    storageVar: 'FEED_STORAGE_DIR',
  },
  quotas: {
    label: 'reporting quotas',
    service: 'reporting-service',
    route: '/v1/quotas',
    key: 'mib',
    kind: 'quotas',
    headers: {},
    tables: ['reporting.quota_import', 'reporting.quota_unit'],
    storageVar: 'QUOTA_STORAGE_DIR',
  },
  refunds: {
    label: 'refund batch',
    service: 'refund-service',
    route: '/v1/refunds/batch',
    key: 'tax',
    kind: 'refund-batch',
    headers: {},
    tables: ['refund.refunds', 'refund.refund_transitions'],
    storageVar: 'REFUND_BATCH_STORAGE_DIR',
  },
} satisfies Record<string, Endpoint>;
type EndpointName = keyof typeof ENDPOINTS;
const ALL = Object.keys(ENDPOINTS) as EndpointName[];
/** One route per reader: the deaths list shares the registrations' endpoint and reading. */
const ROUTES = ALL.filter((e) => e !== 'deaths');
const WORKBOOK_ROUTES: EndpointName[] = ['registrations', 'roster', 'quotas'];
const CSV_ONLY_ROUTES: EndpointName[] = ['feed', 'refunds'];

const SERVICE_ENV: Record<ServiceName, Record<string, string>> = {
  'enrollment-service': { CLOCK_START: '2022-11-15T10:00:00+08:00' },
  'subsidy-service': { CLOCK_START: '2023-10-17T09:00:00+08:00' },
  'tax-collection-feed-service': { CLOCK_START: '2023-10-17T09:00:00+08:00' },
  'refund-service': {},
  'reporting-service': {},
};

interface Running {
  sut: ServiceUnderTest;
  svc: ServiceProcess;
  env: Record<string, string>;
}
const running = new Map<ServiceName, Running>();
const storage = new Map<ServiceName, string>();

/** Posts a body with node:http, so a server answering 413 before the body is all sent is still read. */
function post(
  url: string,
  route: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(`${url}${route}`, { method: 'POST', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
      });
      res.on('error', reject);
    });
    req.on('error', (e) => {
      // The server may close the connection once it has refused the upload.
      if (!answered) reject(e);
    });
    req.end(body);
  });
}

function send(name: EndpointName, file: HostileFile, extra: Record<string, string> = {}) {
  const ep: Endpoint = ENDPOINTS[name];
  return post(
    running.get(ep.service)!.svc.url,
    ep.route,
    {
      authorization: `Bearer ${TEST_KEYS[ep.key].key}`,
      'content-type': file.contentType,
      'content-length': String(file.body.length),
      ...ep.headers,
      ...extra,
    },
    file.body,
  );
}

/** Row counts of the endpoint's tables and the files its service keeps on disk. */
async function traces(name: EndpointName): Promise<{ rows: Record<string, number>; files: string[] }> {
  const ep: Endpoint = ENDPOINTS[name];
  const rows: Record<string, number> = {};
  const db = running.get(ep.service)!.sut.db;
  for (const t of ep.tables) rows[t] = (await db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return { rows, files: readdirSync(storage.get(ep.service)!).sort() };
}

async function ready(service: ServiceName): Promise<number> {
  return (await fetch(`${running.get(service)!.svc.url}/health/ready`)).status;
}

/** The file is refused with `status` and `code`; nothing of it is stored; the service still answers. */
async function refused(
  name: EndpointName,
  file: HostileFile,
  status: number,
  code: string,
  info?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const before = await traces(name);
  const r = await send(name, file);
  expect({ endpoint: name, status: r.status, code: (r.body.details as { code?: string })?.code }).toEqual({
    endpoint: name,
    status,
    code,
  });
  if (info) expect(r.body.details).toMatchObject({ info });
  expect(await traces(name)).toEqual(before);
  expect(await ready(ENDPOINTS[name].service)).toBe(200);
  return r.body;
}

async function batchDone(id: string) {
  const url = running.get('enrollment-service')!.svc.url;
  return waitFor(
    `batch ${id}`,
    async () => (await api(url, 'GET', `/v1/enrollments/batch/${id}`, TEST_KEYS.mib.key)).body,
    (b) => b.status === 'DONE' || b.status === 'FAILED',
  );
}

describe('the hostile corpus: every upload endpoint refuses what it cannot read, stores nothing, stays up', () => {
  beforeAll(async () => {
    const services = [...new Set(ALL.map((e) => ENDPOINTS[e].service as ServiceName))];
    // One after the other: five services booting at once on a small shared machine can miss the
    // readiness deadline.
    for (const service of services) {
      const dir = mkdtempSync(path.join(tmpdir(), `hostile-${service}-`));
      storage.set(service, dir);
      const storageVar = ALL.map((e) => ENDPOINTS[e] as Endpoint).find(
        (e) => e.service === service,
      )!.storageVar;
      const env = { ...SERVICE_ENV[service], [storageVar]: dir };
      const sut = await startServiceUnderTest(service, BASE, `hostile${SERVICE_TAG[service]}`, env);
      running.set(service, { sut, svc: sut.svc, env });
    }
  }, 600_000);

  afterAll(async () => {
    for (const r of running.values()) {
      await r.svc.stop();
      await r.sut.db.end();
    }
  });

  it.each(ALL)('%s: duplicate, missing and unknown columns are 422 BAD_HEADER naming them', async (name) => {
    const kind = ENDPOINTS[name].kind;
    const first = fileColumns(kind).required[0];
    const second = fileColumns(kind).required[1];
    await refused(name, duplicateHeader(kind), 422, 'BAD_HEADER', { duplicate: [first], missing: [] });
    const missing = await refused(name, missingHeader(kind, second), 422, 'BAD_HEADER', {
      missing: [second],
    });
    expect(missing.message).toBe(`the header does not match: missing column(s): ${second}`);
    await refused(name, unknownHeader(kind), 422, 'BAD_HEADER', { unknown: ['remarks_2'] });
  });

  it.each(ROUTES)('%s: GBK bytes sent without charset=gbk are 422 INVALID_UTF8', async (name) => {
    const body = await refused(name, gbkWithoutCharset(ENDPOINTS[name].kind), 422, 'INVALID_UTF8');
    expect(body.message).toMatch(/^the file is not valid UTF-8 \(near byte \d+\); send GBK files as/);
  });

  it.each(ROUTES)('%s: a quote opened and never closed is 422 UNCLOSED_QUOTE', async (name) => {
    await refused(name, openQuote(ENDPOINTS[name].kind), 422, 'UNCLOSED_QUOTE', { line: 2 });
  });

  it.each(ROUTES)('%s: a 100 MB line is refused at the record limit or the size limit', async (name) => {
    // Quotas (16 MB) and refund batches (64 MB) are smaller than the line: 413 while it arrives.
    const tooBig = name === 'quotas' || name === 'refunds';
    await refused(
      name,
      singleLine(ENDPOINTS[name].kind),
      tooBig ? 413 : 422,
      tooBig ? 'FILE_TOO_LARGE' : 'RECORD_TOO_LONG',
    );
  });

  it.each(WORKBOOK_ROUTES)(
    '%s: an XLSX bomb is refused before exceljs reads it, whether its sizes are declared or lie',
    async (name) => {
      const kind = ENDPOINTS[name].kind;
      await refused(name, await xlsxBomb(kind), 422, 'WORKBOOK_TOO_LARGE', {
        part: 'xl/sharedStrings.xml',
      });
      const lying = await refused(name, await xlsxBomb(kind, { lying: true }), 422, 'NOT_A_WORKBOOK');
      expect(lying.message).toBe('the XLSX part xl/sharedStrings.xml is damaged');
    },
  );

  it.each(CSV_ONLY_ROUTES)('%s: takes no workbook at all (415)', async (name) => {
    await refused(name, await xlsxBomb(ENDPOINTS[name].kind), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([...WORKBOOK_ROUTES, 'deaths'] as EndpointName[])(
    '%s: a formula saved without its value is 422 FORMULA_WITHOUT_VALUE naming the cell',
    async (name) => {
      const kind = ENDPOINTS[name].kind;
      const row: (string | { formula: string })[] = exampleRow(kind);
      row[1] = { formula: 'A2&""' };
      await refused(name, await workbookOf(kind, [row]), 422, 'FORMULA_WITHOUT_VALUE', { cell: 'B2' });
    },
  );

  it('takes a formula cell with its saved value as that value (registrations)', async () => {
    const kind = ENDPOINTS.registrations.kind;
    const row: (string | { formula: string; result: string })[] = exampleRow(kind);
    const name = row[1] as string;
    row[1] = { formula: `"${name.slice(0, 1)}"&"${name.slice(1)}"`, result: name };
    const r = await send('registrations', await workbookOf(kind, [row]));
    expect(r.status).toBe(202);
    expect(await batchDone(r.body.batchId as string)).toMatchObject({ status: 'DONE', accepted: 1 });
    const db = running.get('enrollment-service')!.sut.db;
    expect((await db.query(`SELECT name FROM enrollment.enrollments`)).rows).toEqual([{ name }]);
  });

  it('amounts above 2^31: a feed row quarantined, a refund row rejected, a quota table refused', async () => {
    const big = '2147483648';
    const feedBefore = await traces('feed');
    const feed = await send('feed', csvOf('daily-feed', [exampleRow('daily-feed', { amount_fen: big })]), {
      'X-Total-Amount-Fen': big,
    });
    expect(feed.status).toBe(201);
    expect(feed.body).toMatchObject({ status: 'ACCEPTED', applied: 0, quarantined: 1 });
    const feedUrl = running.get('tax-collection-feed-service')!.svc.url;
    const rejects = (await api(feedUrl, 'GET', `/v1/feeds/${feed.body.feedId}/rejects`, TEST_KEYS.tax.key))
      .body.rows as { code: string; amountFen: number | null }[];
    expect(rejects).toMatchObject([{ code: 'BAD_AMOUNT', amountFen: null }]);
    expect((await traces('feed')).rows['tax_feed.payments']).toBe(feedBefore.rows['tax_feed.payments']);

    const refundsBefore = await traces('refunds');
    const refund = await send(
      'refunds',
      csvOf('refund-batch', [exampleRow('refund-batch', { amount_fen: big })]),
    );
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ rows: 1, entered: 0, rejectedCount: 1 });
    expect(refund.body.rejected).toMatchObject([{ line: 2, code: 'INVALID_COMMAND' }]);
    expect((await traces('refunds')).rows).toEqual(refundsBefore.rows);

    await refused(
      'quotas',
      csvOf('quotas', [exampleRow('quotas', { quota: big })]),
      422,
      'INVALID_QUOTA_TABLE',
      {
        problems: [{ line: 2, problem: 'quota must be a whole number of people' }],
      },
    );
  });

  it('2023-02-30: quarantined in a feed, rejected in a death list and a roster, never stored', async () => {
    const day = '2023-02-30';
    const feed = await send(
      'feed',
      csvOf('daily-feed', [
        exampleRow('daily-feed', { voucher_no: 'SD-FEB-30', paid_at: `${day}T10:00:00+08:00` }),
      ]),
    );
    expect(feed.status).toBe(201);
    expect(feed.body).toMatchObject({ status: 'ACCEPTED', applied: 0, quarantined: 1 });
    const feedUrl = running.get('tax-collection-feed-service')!.svc.url;
    const rejects = (await api(feedUrl, 'GET', `/v1/feeds/${feed.body.feedId}/rejects`, TEST_KEYS.tax.key))
      .body.rows;
    expect(rejects).toMatchObject([{ code: 'BAD_PAID_AT', voucherNo: 'SD-FEB-30' }]);
    const db = running.get('tax-collection-feed-service')!.sut.db;
    expect((await db.query(`SELECT count(*)::int AS n FROM tax_feed.payments`)).rows[0].n).toBe(0);

    const deaths = await send(
      'deaths',
      csvOf('enrollment-deaths', [exampleRow('enrollment-deaths', { date_of_death: day })]),
    );
    expect(deaths.status).toBe(202);
    expect(await batchDone(deaths.body.batchId as string)).toMatchObject({
      status: 'DONE',
      accepted: 0,
      rejected: 1,
    });
    const enrollment = running.get('enrollment-service')!.sut.db;
    expect(
      (
        await enrollment.query(`SELECT code, message FROM enrollment.batch_rejects WHERE batch_id = $1`, [
          deaths.body.batchId,
        ])
      ).rows,
    ).toEqual([{ code: 'INVALID_ROW', message: 'date_of_death must be a real calendar day YYYY-MM-DD' }]);
    expect(
      (
        await enrollment.query(
          `SELECT count(*)::int AS n FROM enrollment.enrollments WHERE status = 'CANCELLED'`,
        )
      ).rows[0].n,
    ).toBe(0);

    const roster = await send('roster', csvOf('roster', [exampleRow('roster', { valid_from: day })]));
    expect(roster.status).toBe(201);
    expect(roster.body).toMatchObject({ rowsStaged: 0, rowsRejected: 1 });
    expect(roster.body.rejects).toMatchObject([{ line: 2, code: 'BAD_DATE' }]);
    const subsidy = running.get('subsidy-service')!.sut.db;
    expect((await subsidy.query(`SELECT count(*)::int AS n FROM subsidy.roster_rows`)).rows[0].n).toBe(0);
  });

  it('after a restart of every service nothing is re-queued and nothing more is stored', async () => {
    const before = Object.fromEntries(await Promise.all(ALL.map(async (e) => [e, await traces(e)])));
    for (const [service, r] of running) {
      await r.svc.stop();
      r.svc = spawnService(service, BASE, {
        DATABASE_URL: r.sut.dbUrl,
        API_KEYS_FILE: writeKeysFile(),
        KAFKA_TOPIC_PREFIX: r.sut.prefix,
        ...r.env,
      });
    }
    for (const r of running.values()) await waitReady(r.svc);
    // Give a resumed batch or feed time to start, were any left unfinished.
    await new Promise((r) => setTimeout(r, 3000));
    const after = Object.fromEntries(await Promise.all(ALL.map(async (e) => [e, await traces(e)])));
    expect(after).toEqual(before);
    const enrollment = running.get('enrollment-service')!.sut.db;
    expect(
      (await enrollment.query(`SELECT status, count(*)::int AS n FROM enrollment.batches GROUP BY 1`)).rows,
    ).toEqual([{ status: 'DONE', n: 2 }]);
    const feed = running.get('tax-collection-feed-service')!.sut.db;
    expect(
      (await feed.query(`SELECT status, count(*)::int AS n FROM tax_feed.feeds GROUP BY 1`)).rows,
    ).toEqual([{ status: 'ACCEPTED', n: 2 }]);
    for (const service of running.keys()) expect(await ready(service)).toBe(200);
  });
});

const SERVICE_TAG: Record<ServiceName, string> = {
  'enrollment-service': 'enrol',
  'subsidy-service': 'subsidy',
  'tax-collection-feed-service': 'feed',
  'refund-service': 'refund',
  'reporting-service': 'report',
};
