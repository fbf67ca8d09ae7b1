import ExcelJS from 'exceljs';
import { FILE_FORMATS, FileKind } from '@urrbmi/contracts';
import { XLSX_TYPE } from '@urrbmi/files';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS, waitFor } from './support/services';

type Key = keyof typeof TEST_KEYS;

async function template(url: string, kind: FileKind, format: 'csv' | 'xlsx', key: Key) {
  const r = await fetch(`${url}/v1/templates/${kind}?format=${format}`, {
    headers: { authorization: `Bearer ${TEST_KEYS[key].key}` },
  });
  expect(r.status).toBe(200);
  return new Uint8Array(await r.arrayBuffer());
}

async function upload(
  url: string,
  route: string,
  key: Key,
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
  headers: object,
) {
  const r = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEYS[key].key}`, 'content-type': contentType, ...headers },
    body,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** Each upload's template, filled only with its own example row, is accepted by its endpoint. */
describe('file templates: what a department downloads is what the endpoint accepts', () => {
  const started: ServiceUnderTest[] = [];
  afterAll(async () => {
    for (const s of started) await s.stop();
  });

  it('explains every column in the workbook and matches the CSV', async () => {
    const feed = await startServiceUnderTest('tax-collection-feed-service', 21020, 'tplfeed', {
      CLOCK_START: '2023-10-17T09:00:00+08:00',
    });
    started.push(feed);
    const spec = FILE_FORMATS['daily-feed'];
    const csv = Buffer.from(await template(feed.svc.url, 'daily-feed', 'csv', 'tax')).toString('utf8');
    expect(csv).toBe(
      `\uFEFF${spec.columns.map((c) => c.name).join(',')}\r\n${spec.columns.map((c) => c.example).join(',')}\r\n`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await template(feed.svc.url, 'daily-feed', 'xlsx', 'mib')) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['模板 template', '说明 columns']);
    const explained = wb.worksheets[1]
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? [row[1]] : []));
    for (const c of spec.columns) expect(explained).toContain(c.name);
    expect((await api(feed.svc.url, 'GET', '/v1/templates/roster', TEST_KEYS.tax.key)).body).toMatchObject({
      statusCode: 404,
      details: { code: 'UNKNOWN_TEMPLATE' },
    });

    const pushed = await upload(
      feed.svc.url,
      '/v1/feeds',
      'tax',
      new TextEncoder().encode(csv),
      'text/csv',
      spec.headers,
    );
    expect(pushed.status).toBe(201);
    expect(pushed.body).toMatchObject({ status: 'ACCEPTED', applied: 1, quarantined: 0 });

    // A feed missing a column, or GBK bytes sent as UTF-8, is refused whole: 422, nothing stored.
    const [header, example] = csv.replace(/^\uFEFF/, '').split('\r\n');
    const withoutSeason = (line: string) =>
      line
        .split(',')
        .filter((_, i) => i !== spec.columns.findIndex((c) => c.name === 'season'))
        .join(',');
    const noSeason = `${withoutSeason(header)}\n${withoutSeason(example.replace('SD2023101600001', 'SD2'))}\n`;
    const missing = await upload(
      feed.svc.url,
      '/v1/feeds',
      'tax',
      new TextEncoder().encode(noSeason),
      'text/csv',
      {
        ...spec.headers,
        'X-Feed-Date': '2023-10-15',
      },
    );
    expect(missing).toEqual({
      status: 422,
      body: expect.objectContaining({
        message: 'the header does not match: missing column(s): season',
        details: expect.objectContaining({ code: 'BAD_HEADER' }),
      }),
    });
    const gbk = Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd, 0x0a])]);
    const notUtf8 = await upload(feed.svc.url, '/v1/feeds', 'tax', new Uint8Array(gbk), 'text/csv', {
      ...spec.headers,
      'X-Feed-Date': '2023-10-14',
    });
    expect(notUtf8.status).toBe(422);
    expect(notUtf8.body).toMatchObject({ details: { code: 'INVALID_UTF8' } });
    const { rows } = await feed.db.query('SELECT count(*)::int AS n FROM tax_feed.feeds');
    expect(rows[0].n).toBe(1);
  });

  it('accepts the roster template as CSV and as XLSX', async () => {
    const subsidy = await startServiceUnderTest('subsidy-service', 21030, 'tplroster', {
      CLOCK_START: '2023-10-17T09:00:00+08:00',
    });
    started.push(subsidy);
    const spec = FILE_FORMATS.roster;
    const csv = await template(subsidy.svc.url, 'roster', 'csv', 'civilAffairs');
    const staged = await upload(
      subsidy.svc.url,
      '/v1/rosters',
      'civilAffairs',
      csv,
      'text/csv',
      spec.headers,
    );
    expect(staged.status).toBe(201);
    expect(staged.body).toMatchObject({ rowsStaged: 1, rowsRejected: 0 });

    // The workbook's first sheet is the file itself: uploaded as it is, with a later snapshot date.
    const xlsx = await template(subsidy.svc.url, 'roster', 'xlsx', 'civilAffairs');
    const again = await upload(subsidy.svc.url, '/v1/rosters', 'rural', xlsx, XLSX_TYPE, {
      ...spec.headers,
      'X-Roster-Source': 'CIVIL_AFFAIRS',
      'X-As-Of': '2023-10-02',
    });
    expect(again.status).toBe(403);
    const checked = await upload(subsidy.svc.url, '/v1/rosters', 'civilAffairsChecker', xlsx, XLSX_TYPE, {
      ...spec.headers,
      'X-As-Of': '2023-10-02',
    });
    expect(checked.status).toBe(201);
    expect(checked.body).toMatchObject({ rowsStaged: 1, rowsRejected: 0 });
  });

  it('accepts the registrations template (a Zhuji newborn) and the deaths template', async () => {
    const enrollment = await startServiceUnderTest('enrollment-service', 21040, 'tplenrol', {
      CLOCK_START: '2022-11-15T10:00:00+08:00',
    });
    started.push(enrollment);
    const url = enrollment.svc.url;
    const done = (id: string) =>
      waitFor(
        `batch ${id}`,
        async () => (await api(url, 'GET', `/v1/enrollments/batch/${id}`, TEST_KEYS.mib.key)).body,
        (b) => b.status === 'DONE' || b.status === 'FAILED',
      );
    const registrations = await template(url, 'enrollment-registrations', 'csv', 'mib');
    const first = await upload(url, '/v1/enrollments/batch', 'mib', registrations, 'text/csv', {});
    expect(first.status).toBe(202);
    expect(await done(first.body.batchId as string)).toMatchObject({
      status: 'DONE',
      accepted: 1,
      rejected: 0,
    });

    // The person of the deaths example is enrolled first, as a registered resident would be.
    const deaths = FILE_FORMATS['enrollment-deaths'];
    const elder = deaths.columns.find((c) => c.name === 'id_number')!.example;
    const enrolled = await api(url, 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
      idNumber: elder,
      name: '赵老汉',
      season: 2023,
      regionCode: '341323',
      kind: 'NEW',
    });
    expect(enrolled.status).toBe(201);
    const file = await template(url, 'enrollment-deaths', 'xlsx', 'mib');
    const second = await upload(url, '/v1/enrollments/batch', 'mib', file, XLSX_TYPE, deaths.headers);
    expect(second.status).toBe(202);
    expect(await done(second.body.batchId as string)).toMatchObject({
      status: 'DONE',
      accepted: 1,
      rejected: 0,
    });
  });
});
