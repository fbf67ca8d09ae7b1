import iconv from 'iconv-lite';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { controlTotals, feedCsv, FeedLine, minquanId, pushFeed } from './support/feeds';
import {
  api,
  ServiceProcess,
  TEST_KEYS,
  waitFor,
  ServiceUnderTest,
  startServiceUnderTest,
} from './support/services';
import { committedEvents, PublishedEvent } from './support/topics';

describe('tax-collection-feed-service: the daily feed', () => {
  let svc: ServiceProcess;
  let db: Client;
  const tax = TEST_KEYS.tax.key;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}taxfeed.`;

  async function push(
    body: string | Buffer,
    date: string,
    totals: { count: number; total: number },
    contentType = 'text/csv',
  ) {
    return pushFeed(svc.url, tax, { body, date, region: '411421', ...totals, contentType });
  }
  const pushLines = (lines: FeedLine[], date: string) => push(feedCsv(lines), date, controlTotals(lines));
  const count = async (sql: string, params: unknown[] = []) =>
    (await db.query(sql, params)).rows[0].n as number;

  let under: ServiceUnderTest;
  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 14700, 'taxfeed', {
      CLOCK_START: '2023-10-21T09:00:00+08:00',
    });
    ({ svc, db } = under);
  });

  afterAll(async () => {
    await under?.stop();
  });

  it('refuses a file whose control totals do not match: 422, nothing stored, no event', async () => {
    const lines = [
      { voucher: 'CT-1', id: minquanId(1), amount: 38000 },
      { voucher: 'CT-2', id: minquanId(2), amount: 38000 },
    ];
    const r = await push(feedCsv(lines), '2023-10-17', { count: 2, total: 75000 });
    expect(r).toEqual({
      status: 422,
      body: {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message:
          'control totals do not match the file: declared 2 rows and 75000 fen, found 2 rows and 76000 fen',
        details: {
          code: 'CONTROL_TOTALS_MISMATCH',
          info: { declared: { count: 2, totalFen: 75000 }, found: { count: 2, totalFen: 76000 } },
        },
      },
    });
    expect(await count(`SELECT count(*)::int AS n FROM tax_feed.payments WHERE voucher_no LIKE 'CT-%'`)).toBe(
      0,
    );
    expect(await count(`SELECT count(*)::int AS n FROM tax_feed.feeds WHERE feed_date = '2023-10-17'`)).toBe(
      0,
    );
    const ct = (events: PublishedEvent[]) =>
      events.filter((e) => String(e.payload.voucherNo).startsWith('CT-'));
    expect(ct(await committedEvents(db, 'tax_feed', prefix, 'payment.recorded'))).toEqual([]);
  });

  it('stores the Chinese names of a GBK file correctly', async () => {
    const lines = [{ voucher: 'GBK-1', id: minquanId(10), name: '欧阳娜娜', amount: 38000 }];
    const r = await push(
      iconv.encode(feedCsv(lines), 'gbk'),
      '2023-10-19',
      controlTotals(lines),
      'text/csv; charset=gbk',
    );
    expect(r.status).toBe(201);
    expect((await db.query(`SELECT name FROM tax_feed.payments WHERE voucher_no = 'GBK-1'`)).rows).toEqual([
      { name: '欧阳娜娜' },
    ]);
  });

  it('counts duplicates, overlaps, unknown and double reversals exactly, and the same file twice once', async () => {
    const day1: FeedLine[] = [
      { voucher: 'D1-1', id: minquanId(21), amount: 38000, channel: 'ALIPAY' },
      { voucher: 'D1-2', id: minquanId(22), amount: 38000, channel: 'BANK_APP' },
      { voucher: 'D1-3', id: minquanId(23), amount: 38000, channel: 'PROXY' },
      {
        voucher: 'D1-4',
        id: minquanId(24).slice(0, 17) + (minquanId(24)[17] === '1' ? '2' : '1'),
        amount: 38000,
      },
      { voucher: 'D1-5', id: minquanId(25), amount: 'abc' },
    ];
    const first = await pushLines(day1, '2023-10-20');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'ACCEPTED',
      rows: 5,
      applied: 3,
      duplicates: 0,
      quarantined: 2,
      reversed: 0,
      appliedTotalFen: 114000,
      late: false,
    });
    expect(first.body.rejects.map((r) => [r.line, r.kind, r.code])).toEqual([
      [5, 'QUARANTINED', 'BAD_ID_NUMBER'],
      [6, 'QUARANTINED', 'BAD_AMOUNT'],
    ]);

    const again = await pushLines(day1, '2023-10-20');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ feedId: first.body.feedId, sameFileAsEarlierPush: true, applied: 3 });

    const day2: FeedLine[] = [
      { voucher: 'D1-2', id: minquanId(22), amount: 38000, channel: 'BANK_APP' }, // overlaps yesterday
      { voucher: 'D2-1', id: minquanId(26), amount: 38000 },
      {
        voucher: 'D2-R1',
        kind: 'REVERSAL',
        original: 'D1-1',
        id: minquanId(21),
        amount: -38000,
        channel: '',
      },
      {
        voucher: 'D2-R2',
        kind: 'REVERSAL',
        original: 'D1-1',
        id: minquanId(21),
        amount: -38000,
        channel: '',
      }, // double reversal
      {
        voucher: 'D2-R3',
        kind: 'REVERSAL',
        original: 'NOPE',
        id: minquanId(21),
        amount: -38000,
        channel: '',
      }, // unknown original
      { voucher: 'D2-1', id: minquanId(26), amount: 38000 }, // twice in one file
    ];
    const second = await pushLines(day2, '2023-10-21');
    expect(second.body).toMatchObject({
      status: 'ACCEPTED',
      rows: 6,
      applied: 1,
      reversed: 1,
      duplicates: 2,
      quarantined: 2,
      appliedTotalFen: 0,
    });
    expect(second.body.rejects.map((r) => [r.line, r.kind, r.code])).toEqual([
      [2, 'DUPLICATE', 'DUPLICATE_VOUCHER'],
      [5, 'QUARANTINED', 'ALREADY_REVERSED'],
      [6, 'QUARANTINED', 'UNKNOWN_ORIGINAL'],
      [7, 'DUPLICATE', 'DUPLICATE_VOUCHER'],
    ]);
    const listed = await api(svc.url, 'GET', `/v1/feeds/${second.body.feedId}/rejects`, tax);
    expect((listed.body.rows as unknown[]).length).toBe(4);

    // Every applied voucher has exactly one event.
    const perVoucher = new Map<string, number>();
    for (const topic of ['payment.recorded', 'payment.reversed'])
      for (const e of await committedEvents(db, 'tax_feed', prefix, topic)) {
        const v = String(e.payload.voucherNo);
        if (v.startsWith('D')) perVoucher.set(v, (perVoucher.get(v) ?? 0) + 1);
      }
    expect([...perVoucher].sort().map(([v, n]) => ({ v, n }))).toEqual([
      { v: 'D1-1', n: 1 },
      { v: 'D1-2', n: 1 },
      { v: 'D1-3', n: 1 },
      { v: 'D2-1', n: 1 },
      { v: 'D2-R1', n: 1 },
    ]);
  });

  it('reconciles a date per channel, with declared totals against what was applied and the differences named', async () => {
    const r = await api(
      svc.url,
      'GET',
      '/v1/reconciliation?date=2023-10-21&region=411421',
      TEST_KEYS.ops.key,
    );
    expect(r.status).toBe(200);
    const body = r.body as {
      feeds: Record<string, unknown>[];
      byChannel: Record<string, unknown>[];
      differences: { code: string }[];
    };
    expect(body.feeds).toHaveLength(1);
    expect(body.feeds[0]).toMatchObject({
      declared: { count: 6, totalFen: 38000 * 3 - 38000 * 3 },
      applied: 1,
      reversed: 1,
      duplicates: 2,
      quarantined: 2,
      appliedTotalFen: 0,
    });
    expect(body.byChannel).toEqual([
      {
        channel: 'ALIPAY',
        accepted: { count: 0, amountFen: 0 },
        reversed: { count: 1, amountFen: -38000 },
        duplicates: { count: 0, amountFen: 0 },
        quarantined: { count: 0, amountFen: 0 },
      },
      {
        channel: 'BANK_APP',
        accepted: { count: 0, amountFen: 0 },
        reversed: { count: 0, amountFen: 0 },
        duplicates: { count: 1, amountFen: 38000 },
        quarantined: { count: 0, amountFen: 0 },
      },
      {
        channel: 'UNKNOWN',
        accepted: { count: 0, amountFen: 0 },
        reversed: { count: 0, amountFen: 0 },
        duplicates: { count: 0, amountFen: 0 },
        quarantined: { count: 2, amountFen: -76000 },
      },
      {
        channel: 'WECHAT',
        accepted: { count: 1, amountFen: 38000 },
        reversed: { count: 0, amountFen: 0 },
        duplicates: { count: 1, amountFen: 38000 },
        quarantined: { count: 0, amountFen: 0 },
      },
    ]);
    expect(body.differences.map((d) => d.code)).toEqual(['ROWS_QUARANTINED']);
  });

  it('refuses bad headers and keys that are not the tax bureau', async () => {
    const lines = [{ voucher: 'H-1', id: minquanId(30), amount: 38000 }];
    const r = await fetch(`${svc.url}/v1/feeds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tax}`,
        'content-type': 'text/csv',
        'x-feed-date': '2023-13-01',
        'x-region-code': '411421',
        'x-record-count': '1',
        'x-total-amount-fen': '38000',
      },
      body: feedCsv(lines),
    });
    expect(await r.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'X-Feed-Date must be a date YYYY-MM-DD',
      details: { code: 'BAD_HEADER' },
    });
    const mib = await fetch(`${svc.url}/v1/feeds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.mib.key}`, 'content-type': 'text/csv' },
      body: 'x',
    });
    expect(mib.status).toBe(403);
  });

  it('shows progress of a feed', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => ({
      voucher: `P-${i}`,
      id: minquanId(100 + i),
      amount: 38000,
    }));
    const r = await pushLines(lines, '2023-10-18');
    const p = await waitFor(
      'feed',
      async () => (await api(svc.url, 'GET', `/v1/feeds/${r.body.feedId}`, TEST_KEYS.ops.key)).body,
      (b) => b.status === 'ACCEPTED',
    );
    expect(p).toMatchObject({ rows: 20, applied: 20, declared: { count: 20, totalFen: 760000 } });
  });

  it('serves the collection roster incrementally by cursor, built from enrollment and subsidy events', async () => {
    const inject = new EventInjector(prefix);
    const people = [31, 32, 33].map((n) => ({ id: minquanId(n, '19900303'), enrollmentId: randomUUID() }));
    const registered = (p: (typeof people)[number]) =>
      inject.envelope('enrollment.registered', {
        enrollmentId: p.enrollmentId,
        idNumber: p.id,
        name: '参保人',
        season: 2023,
        regionCode: '411421',
        townshipCode: '411421100',
        kind: 'NEW',
        policyId: '411421-2023',
        amountDueFen: 38000,
        registeredAt: '2023-10-20T10:00:00+08:00',
      });
    // The assessment of the third arrives before its registration.
    await inject.send([
      inject.envelope('subsidy.assessed', {
        idNumber: people[2].id,
        season: 2023,
        regionCode: '411421',
        policyId: '411421-2023',
        category: 'EXTREME_POVERTY',
        subsidyFen: 38000,
        mode: 'FULL',
        amountDueFen: 0,
        route: 'PROXY_PAYMENT',
        reason: '特困人员',
        assessedAt: '2023-10-20T09:00:00+08:00',
      }),
      ...people.map(registered),
    ]);
    const pull = async (cursor: string, format = 'csv') => {
      const r = await fetch(
        `${svc.url}/v1/collection-roster?region=411421&season=2023&cursor=${cursor}&format=${format}`,
        { headers: { authorization: `Bearer ${tax}` } },
      );
      return { next: r.headers.get('x-next-cursor')!, lines: (await r.text()).trim().split(/\r?\n/) };
    };
    const full = await waitFor(
      'roster',
      () => pull('0'),
      (r) => r.lines.length === 4,
    );
    expect(full.lines[0]).toBe(
      'id_number,name,region_code,township_code,village_code,season,status,amount_due_fen,change_seq',
    );
    expect(
      full.lines
        .slice(1)
        .map((l) => l.split(',').slice(0, 8))
        .sort(),
    ).toEqual(
      [
        [people[0].id, '参保人', '411421', '411421100', '', '2023', 'REGISTERED', '38000'],
        [people[1].id, '参保人', '411421', '411421100', '', '2023', 'REGISTERED', '38000'],
        [people[2].id, '参保人', '411421', '411421100', '', '2023', 'REGISTERED', '0'],
      ].sort(),
    );
    // Nothing changed: nothing comes back. One activation: only that person comes back.
    expect((await pull(full.next)).lines).toEqual([
      'id_number,name,region_code,township_code,village_code,season,status,amount_due_fen,change_seq',
    ]);
    await inject.send([
      inject.envelope('enrollment.activated', {
        enrollmentId: people[0].enrollmentId,
        idNumber: people[0].id,
        season: 2023,
        regionCode: '411421',
        paidAs: 'PAID',
        paidFen: 38000,
        benefitStart: '2024-01-01',
        benefitEnd: '2024-12-31',
        waitingMonths: 0,
        activatedAt: '2023-10-21T10:00:00+08:00',
      }),
    ]);
    const delta = await waitFor(
      'delta',
      () => pull(full.next, 'ndjson'),
      (r) => r.lines.length === 1 && r.lines[0] !== '',
    );
    expect(JSON.parse(delta.lines[0])).toMatchObject({
      idNumber: people[0].id,
      status: 'ACTIVE',
      amountDueFen: 38000,
    });
    // X-Next-Cursor is `X.N` (writing transaction, change sequence), ordered as that pair.
    const [dx, dn] = delta.next.split('.').map(BigInt);
    const [fx, fn] = full.next.split('.').map(BigInt);
    expect(dx > fx || (dx === fx && dn > fn)).toBe(true);
    expect((await pull(delta.next, 'ndjson')).lines).toEqual(['']);
  });
});
