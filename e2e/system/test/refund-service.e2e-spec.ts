import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EventInjector } from './support/events';
import { shandanId } from './support/resident-ids';
import { freshDatabase, ServiceProcess, spawnService, waitFor, waitReady } from './support/services';
import { publishedEvents, waitForOutboxSent } from './support/topics';

/**
 * The refund desk end to end, with enrollment-service beside it on one topic prefix and one database:
 * payments injected as the tax feed would publish them, refunds entered, reviewed, planned, funded
 * and paid over HTTP, and the enrolment updated through Kafka. Shandan 2021 (benefit year 2022):
 * enrolment's clock stands in the 2021 window, the refund desk's in January 2022.
 */

const FEED = '3f6d1d0e-2b7e-4a51-9d0e-0c1f5c9b7a11';
// Each key names its holder; 'e2e-tax-li' holds a tax key and a mib key, so entrant = reviewer can be tried.
const KEYS = {
  tax: { holder: 'e2e-tax-li', role: 'tax', key: 'e2e-refund-tax-0123456789' },
  mib: { holder: 'e2e-mib-zhao', role: 'mib', key: 'e2e-refund-mib-0123456789' },
  finance: { holder: 'e2e-finance-qian', role: 'finance', key: 'e2e-refund-finance-0123456789' },
  liAsMib: { holder: 'e2e-tax-li', role: 'mib', key: 'e2e-refund-li-mib-0123456789' },
} as const;

function keysFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'urrbmi-refund-e2e-')), 'api-keys.json');
  const keys = Object.values(KEYS).map((k) => ({
    holder: k.holder,
    role: k.role,
    sha256: createHash('sha256').update(k.key).digest('hex'),
  }));
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

type Body = Record<string, unknown> & {
  details?: { code?: string; info?: Record<string, unknown> };
};

async function call(
  base: string,
  method: string,
  route: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Body; headers: Headers }> {
  const r = await fetch(`${base}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {}, headers: r.headers };
}

describe('refund-service: application to payout, with the enrolment updated through Kafka', () => {
  let enrollment: ServiceProcess;
  let refund: ServiceProcess;
  let db: Client;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}refunds.`;
  const inject = new EventInjector(prefix);

  const register = (id: string, townshipCode: string) =>
    call(enrollment.url, 'POST', '/v1/enrollments', KEYS.mib.key, {
      idNumber: id,
      name: '退费人',
      season: 2021,
      regionCode: '620725',
      townshipCode,
      kind: 'NEW',
    });
  const payment = (id: string, voucherNo: string, amountFen: number, townshipCode = '620725100') =>
    inject.envelope('payment.recorded', {
      voucherNo,
      idNumber: id,
      name: '退费人',
      regionCode: '620725',
      townshipCode,
      season: 2021,
      amountFen,
      channel: 'WECHAT',
      paidAt: '2021-10-16T09:30:00+08:00',
      feedId: FEED,
    });
  const person = async (id: string) =>
    (await call(enrollment.url, 'GET', `/v1/persons/${id}/seasons/2021`, KEYS.mib.key)).body as Body & {
      history: { change: string }[];
      payments: { voucherNo: string; kind: string; amountFen: number }[];
    };
  /** The refund desk has this voucher's payment (and, if asked, its reversal) in its projection. */
  const paymentSeen = (voucherNo: string, reversed = false) =>
    waitFor(
      `payment ${voucherNo} in refund.payments`,
      async () =>
        (
          await db.query(
            `SELECT amount_fen, reversed_at FROM refund.payments WHERE voucher_no = $1 AND amount_fen IS NOT NULL`,
            [voucherNo],
          )
        ).rows,
      (rows) => rows.length === 1 && (!reversed || rows[0].reversed_at !== null),
    );
  const application = (id: string, voucherNo: string, amountFen: number, reason: string) => ({
    voucherNo,
    idNumber: id,
    amountFen,
    reason,
    payeeName: '退费人',
    payeeBank: '中国农业银行山丹县支行',
    payeeAccount: '6228480123456789012',
  });
  const apply = (body: object, idempotencyKey?: string) =>
    call(
      refund.url,
      'POST',
      '/v1/refunds',
      KEYS.tax.key,
      body,
      idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    );
  const review = (refundId: string, body: object, key: string = KEYS.mib.key) =>
    call(refund.url, 'POST', `/v1/refunds/${refundId}/review`, key, body);
  const approve = (refundId: string) => review(refundId, { decision: 'APPROVE', reason: '核实无误' });
  const plan = (refundIds: string[]) =>
    call(refund.url, 'POST', '/v1/refund-plans', KEYS.mib.key, { refundIds });
  const fund = (planId: string, amountFen: number) =>
    call(refund.url, 'POST', `/v1/refund-plans/${planId}/funding`, KEYS.finance.key, {
      amountFen,
      reference: `CZ-${planId.slice(0, 8)}`,
    });
  const payout = (refundId: string, body: object) =>
    call(refund.url, 'POST', `/v1/refunds/${refundId}/payout`, KEYS.mib.key, body);

  beforeAll(async () => {
    const dbUrl = await freshDatabase('refunds');
    const env = { DATABASE_URL: dbUrl, API_KEYS_FILE: keysFile(), KAFKA_TOPIC_PREFIX: prefix };
    enrollment = spawnService('enrollment-service', 20400, {
      ...env,
      CLOCK_START: '2021-10-15T10:00:00+08:00',
    });
    refund = spawnService('refund-service', 20400, { ...env, CLOCK_START: '2022-01-10T10:00:00+08:00' });
    await Promise.all([waitReady(enrollment), waitReady(refund)]);
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([enrollment?.stop(), refund?.stop()]);
    await db?.end();
  });

  it('takes an over-payment and a transfer out from application to paid; enrolment and person view follow', async () => {
    const A = shandanId(201, '19800101');
    const B = shandanId(202, '19800101');
    expect((await register(A, '620725100')).status).toBe(201);
    expect((await register(B, '620725101')).status).toBe(201);
    await inject.send([
      payment(A, 'V-A-1', 32000),
      payment(A, 'V-A-2', 32000),
      payment(B, 'V-B-1', 32000, '620725101'),
    ]);
    expect(
      await waitFor(
        'A over-paid',
        () => person(A),
        (v) => v.paidFen === 64000,
      ),
    ).toMatchObject({ status: 'ACTIVE', paymentFlag: 'OVERPAID', refundCandidateFen: 32000 });

    // The OVERPAID enrolment is offered to the tax bureau's intake as a candidate.
    const candidates = await waitFor(
      'A among the candidates',
      async () =>
        (await call(refund.url, 'GET', '/v1/refund-candidates?season=2021&regionCode=620725', KEYS.tax.key))
          .body.items as Body[],
      (items) => items?.some((c) => c.idNumber === A),
    );
    expect(candidates.find((c) => c.idNumber === A)).toMatchObject({
      standing: 'OVERPAID',
      townshipCode: '620725100',
      paidFen: 64000,
      amountDueFen: 32000,
      refundableFen: 32000,
      suggestedReason: 'DUPLICATE_PAYMENT',
      suggestedVoucherNo: 'V-A-2',
      admissibility: { decision: 'ADMISSIBLE' },
    });
    expect(candidates.some((c) => c.idNumber === B)).toBe(false);

    await paymentSeen('V-B-1');
    const a = await apply(application(A, 'V-A-2', 32000, 'DUPLICATE_PAYMENT'), 'tax-2022-0110-A');
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      state: 'REQUESTED',
      townshipCode: '620725100',
      season: 2021,
      precheck: { passed: true, failures: [] },
      enteredBy: 'e2e-tax-li',
    });
    const b = await apply(application(B, 'V-B-1', 32000, 'TRANSFER_OUT'));
    expect(b.body).toMatchObject({
      state: 'REQUESTED',
      precheck: {
        passed: true,
        notes: ['TRANSFER_OUT: the seeds state no rule; the medical insurance bureau decides'],
      },
    });
    const aId = a.body.refundId as string;
    const bId = b.body.refundId as string;

    expect((await approve(aId)).body).toMatchObject({ state: 'APPROVED' });
    expect((await approve(bId)).body).toMatchObject({ state: 'APPROVED' });
    const p = await plan([aId, bId]);
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({
      state: 'SUBMITTED',
      refundCount: 2,
      totalFen: 64000,
      totals: [
        {
          reason: 'DUPLICATE_PAYMENT',
          regionCode: '620725',
          townshipCode: '620725100',
          count: 1,
          amountFen: 32000,
        },
        {
          reason: 'TRANSFER_OUT',
          regionCode: '620725',
          townshipCode: '620725101',
          count: 1,
          amountFen: 32000,
        },
      ],
    });
    const planId = p.body.planId as string;

    // The plan as finance receives it.
    const xlsx = await fetch(`${refund.url}/v1/refund-plans/${planId}/export`, {
      headers: { authorization: `Bearer ${KEYS.finance.key}` },
    });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const totals = wb.getWorksheet('汇总 Totals')!;
    const rows = totals.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows.map((r) => r.slice(1))).toEqual(
      expect.arrayContaining([
        ['DUPLICATE_PAYMENT', '620725', '620725100', 1, '320.00', 32000],
        ['TRANSFER_OUT', '620725', '620725101', 1, '320.00', 32000],
        ['合计 total', '', '', 2, '640.00', 64000],
      ]),
    );
    const detail = JSON.stringify(wb.getWorksheet('明细 Refunds')!.getSheetValues());
    expect(detail).not.toContain(A);
    expect(detail).toContain(`${A.slice(0, 6)}********${A.slice(14)}`);

    expect((await fund(planId, 64000)).body).toMatchObject({
      state: 'FUNDED',
      funding: { amountFen: 64000 },
    });
    expect((await payout(aId, { outcome: 'PAID', bankReference: 'ABC-1' })).body).toMatchObject({
      state: 'PAID',
    });
    expect((await payout(bId, { outcome: 'PAID', bankReference: 'ABC-2' })).body).toMatchObject({
      state: 'PAID',
    });

    // Every transition with who, when and why.
    const view = (await call(refund.url, 'GET', `/v1/refunds/${aId}`, KEYS.mib.key)).body;
    expect(view).toMatchObject({ state: 'PAID', next: [], planId });
    expect((view.transitions as Body[]).map((t) => [t.from, t.to, t.command, t.by, t.reason])).toEqual([
      [null, 'REQUESTED', 'SUBMIT', 'e2e-tax-li', null],
      ['REQUESTED', 'APPROVED', 'APPROVE', 'e2e-mib-zhao', '核实无误'],
      ['APPROVED', 'PLANNED', 'PLAN', 'e2e-mib-zhao', null],
      ['PLANNED', 'FUNDED', 'FUND', 'e2e-finance-qian', `CZ-${planId.slice(0, 8)}`],
      ['FUNDED', 'PAID', 'CONFIRM_PAID', 'e2e-mib-zhao', 'ABC-1'],
    ]);
    for (const t of view.transitions as Body[]) expect(t.at).toMatch(/^2022-01-10T\d\d:\d\d:\d\d.*\+08:00$/);

    // refund.paid reached enrollment-service: A's over-payment is gone, B's enrolment is over.
    const afterA = await waitFor(
      'A refunded',
      () => person(A),
      (v) => v.paidFen === 32000,
    );
    expect(afterA).toMatchObject({ status: 'ACTIVE', paymentFlag: null, refundCandidateFen: 0 });
    expect(afterA.payments.map((x) => [x.voucherNo, x.kind, x.amountFen])).toEqual([
      ['V-A-1', 'PAYMENT', 32000],
      ['V-A-2', 'PAYMENT', 32000],
      [`refund:${aId}`, 'REFUND', -32000],
    ]);
    const afterB = await waitFor(
      'B refunded',
      () => person(B),
      (v) => v.status === 'REFUNDED',
    );
    expect(afterB).toMatchObject({ status: 'REFUNDED', cancelReason: 'TRANSFER_OUT' });
    expect(afterB.history.map((h) => h.change)).toEqual([
      'REGISTERED',
      'PAID',
      'ACTIVE',
      'CANCELLED',
      'REFUNDED',
    ]);
    expect(afterB.payments.map((x) => [x.kind, x.amountFen])).toEqual([
      ['PAYMENT', 32000],
      ['REFUND', -32000],
    ]);
    // And A is no longer a candidate.
    const left = (
      await call(refund.url, 'GET', '/v1/refund-candidates?season=2021&regionCode=620725', KEYS.tax.key)
    ).body.items as Body[];
    expect(left.some((c) => c.idNumber === A)).toBe(false);
  });

  it('plans a failed payout again and pays it from the next plan', async () => {
    const C = shandanId(203, '19800101');
    await inject.send([payment(C, 'V-C-1', 32000)]);
    await paymentSeen('V-C-1');
    const c = (await apply(application(C, 'V-C-1', 32000, 'DUPLICATE_PAYMENT'))).body.refundId as string;
    await approve(c);
    const first = (await plan([c])).body.planId as string;
    await fund(first, 32000);
    const failed = await payout(c, { outcome: 'FAILED', failureReason: '账户已销户' });
    expect(failed.body).toMatchObject({ state: 'PAYOUT_FAILED', planId: null, next: ['WITHDRAW', 'PLAN'] });
    expect((await payout(c, { outcome: 'FAILED' })).body).toMatchObject({
      statusCode: 400,
      details: expect.arrayContaining(['failureReason is required when the payout FAILED']),
    });
    const second = await plan([c]);
    expect(second.body).toMatchObject({ state: 'SUBMITTED', totalFen: 32000 });
    await fund(second.body.planId as string, 32000);
    expect((await payout(c, { outcome: 'PAID' })).body).toMatchObject({ state: 'PAID' });
    const firstPlan = (await call(refund.url, 'GET', `/v1/refund-plans/${first}`, KEYS.finance.key)).body;
    expect(firstPlan).toMatchObject({ state: 'FUNDED', refunds: [{ refundId: c, released: true }] });
  });

  it('refuses each case with its reason and changes nothing', async () => {
    const D = shandanId(204, '19800101');
    const E = shandanId(205, '19800101');
    const F = shandanId(206, '19800101');
    await inject.send([
      payment(D, 'V-D-1', 32000),
      inject.envelope('payment.reversed', {
        voucherNo: 'R-D-1',
        originalVoucherNo: 'V-D-1',
        idNumber: D,
        regionCode: '620725',
        season: 2021,
        amountFen: -32000,
        reversedAt: '2021-10-17T11:00:00+08:00',
        feedId: FEED,
      }),
      payment(E, 'V-E-1', 32000),
      payment(F, 'V-F-1', 32000),
    ]);
    await paymentSeen('V-D-1', true);
    await paymentSeen('V-E-1');
    await paymentSeen('V-F-1');

    // Unknown voucher: entered with the failure, never approved, not even with an override.
    const unknown = await apply(application(E, 'V-NOWHERE', 32000, 'DUPLICATE_PAYMENT'));
    expect(unknown.body.precheck).toEqual({
      passed: false,
      failures: [
        {
          code: 'UNKNOWN_VOUCHER',
          message: 'no payment with this voucher has been recorded by the tax bureau',
        },
      ],
      notes: [],
    });
    const unknownId = unknown.body.refundId as string;
    expect(
      (await review(unknownId, { decision: 'APPROVE', reason: 'ok', override: '纸质凭证' })).body,
    ).toMatchObject({
      statusCode: 422,
      message: 'the voucher is not among the recorded payments: wait for the tax feed, or reject',
      details: { code: 'PAYMENT_NOT_RECORDED' },
    });

    // Reversed payment.
    const reversed = await apply(application(D, 'V-D-1', 32000, 'DUPLICATE_PAYMENT'));
    expect(reversed.body.precheck).toMatchObject({
      passed: false,
      failures: [{ code: 'PAYMENT_REVERSED', message: 'the tax bureau reversed this payment' }],
    });
    const reversedReview = await review(reversed.body.refundId as string, {
      decision: 'APPROVE',
      reason: 'ok',
    });
    expect(reversedReview.status).toBe(422);
    expect(reversedReview.body).toMatchObject({
      message: 'pre-checks failed: approving needs an override reason',
      details: { code: 'PRECHECK_FAILED', info: { precheck: { passed: false } } },
    });

    // Amount above what was paid; approved only with an override, which is recorded.
    const above = await apply(application(E, 'V-E-1', 32001, 'OVERPAYMENT'));
    expect(above.body.precheck).toMatchObject({
      passed: false,
      failures: [
        {
          code: 'AMOUNT_ABOVE_PAID',
          message: '32001 fen asked, 32000 fen refundable (paid 32000, refunded 0)',
        },
      ],
    });
    const aboveId = above.body.refundId as string;

    // A second open refund for one voucher.
    const second = await apply(application(E, 'V-E-1', 100, 'OVERPAYMENT'));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      message: 'voucher V-E-1 already has an open refund',
      details: { code: 'OPEN_REFUND_EXISTS', info: { refundId: aboveId, state: 'REQUESTED' } },
    });

    // Double cover after 1 January of the benefit year (Shandan 2021: S21 三(三)).
    const doubleCover = await apply(application(F, 'V-F-1', 32000, 'DOUBLE_COVER'));
    expect(doubleCover.body.precheck).toMatchObject({
      passed: false,
      failures: [
        {
          code: 'NOT_ADMISSIBLE',
          message: 'double cover: not refunded once the benefit period started on 2022-01-01 (S21 三(三))',
        },
      ],
    });

    // The reviewer entered it: the same person holds a tax key and a mib key.
    const self = await review(
      aboveId,
      { decision: 'APPROVE', reason: 'ok', override: 'x' },
      KEYS.liAsMib.key,
    );
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({
      message: 'e2e-tax-li entered this application and cannot review it',
      details: { code: 'REVIEWER_IS_ENTRANT' },
    });
    const overridden = await review(aboveId, {
      decision: 'APPROVE',
      reason: '银行回单',
      override: '税务局确认多收 1 分',
    });
    expect(overridden.body).toMatchObject({ state: 'APPROVED' });
    expect((overridden.body.transitions as Body[])[1]).toMatchObject({
      command: 'APPROVE',
      by: 'e2e-mib-zhao',
      details: { override: '税务局确认多收 1 分' },
    });

    // A transition out of order: reviewing twice, paying an unfunded refund, funding twice.
    expect((await approve(aboveId)).body).toMatchObject({
      statusCode: 409,
      message: `refund ${aboveId}: a APPROVED refund cannot take APPROVE (allowed: WITHDRAW, PLAN)`,
      details: { code: 'ILLEGAL_TRANSITION' },
    });
    const p = (await plan([aboveId])).body.planId as string;
    const unfunded = await payout(aboveId, { outcome: 'PAID' });
    expect(unfunded.status).toBe(409);
    expect(unfunded.body).toMatchObject({
      message: `refund ${aboveId}: a PLANNED refund cannot take CONFIRM_PAID (allowed: FUND)`,
      details: { code: 'ILLEGAL_TRANSITION' },
    });
    expect((await plan([aboveId])).body).toMatchObject({
      statusCode: 409,
      details: { code: 'ILLEGAL_TRANSITION' },
    });

    // Funding that does not match the plan total.
    const mismatch = await fund(p, 32000);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({
      message: 'funding of 32000 fen does not match the plan total of 32001 fen',
      details: { code: 'FUNDING_MISMATCH', info: { planTotalFen: 32001, amountFen: 32000 } },
    });
    expect((await call(refund.url, 'GET', `/v1/refund-plans/${p}`, KEYS.finance.key)).body).toMatchObject({
      state: 'SUBMITTED',
      funding: null,
    });
    expect((await fund(p, 32001)).body).toMatchObject({ state: 'FUNDED' });
    expect((await fund(p, 32001)).body).toMatchObject({
      statusCode: 409,
      message: `plan ${p}: a FUNDED plan cannot take FUND`,
    });

    // Roles: finance does not enter applications, tax does not review.
    expect(
      (await call(refund.url, 'POST', '/v1/refunds', KEYS.finance.key, application(E, 'V-X', 1, 'OTHER')))
        .status,
    ).toBe(403);
    expect((await review(unknownId, { decision: 'REJECT', reason: 'x' }, KEYS.tax.key)).status).toBe(403);

    // Nothing the refusals touched moved; lists filter by state, reason and township.
    const requested = (
      await call(
        refund.url,
        'GET',
        '/v1/refunds?state=REQUESTED&reason=DOUBLE_COVER&townshipCode=620725100',
        KEYS.mib.key,
      )
    ).body;
    expect(requested).toMatchObject({ total: 1, items: [{ refundId: doubleCover.body.refundId }] });
    expect(
      (await call(refund.url, 'GET', `/v1/refunds/${reversed.body.refundId}`, KEYS.mib.key)).body.transitions,
    ).toHaveLength(1);
  });

  it('takes the same application twice with one idempotency key as one refund', async () => {
    const G = shandanId(207, '19800101');
    await inject.send([payment(G, 'V-G-1', 32000), payment(G, 'V-G-2', 32000)]);
    await paymentSeen('V-G-2');
    const body = application(G, 'V-G-2', 32000, 'DUPLICATE_PAYMENT');
    const first = await apply(body, 'tax-2022-0110-G');
    const again = await apply(body, 'tax-2022-0110-G');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.refundId).toBe(first.body.refundId);
    expect(first.headers.get('idempotent-replayed')).toBe('false');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Sent at the same moment with a fresh key: still one refund.
    const [x, y] = await Promise.all([
      apply(application(G, 'V-G-1', 32000, 'DUPLICATE_PAYMENT'), 'tax-2022-0110-G1'),
      apply(application(G, 'V-G-1', 32000, 'DUPLICATE_PAYMENT'), 'tax-2022-0110-G1'),
    ]);
    expect(x.body.refundId).toBe(y.body.refundId);
    const { rows } = await db.query(
      `SELECT voucher_no, count(*)::int AS n FROM refund.refunds WHERE id_number = $1 GROUP BY 1 ORDER BY 1`,
      [G],
    );
    expect(rows).toEqual([
      { voucher_no: 'V-G-1', n: 1 },
      { voucher_no: 'V-G-2', n: 1 },
    ]);
    // Two refund.requested events for G, one per refund (a copy resent by a relay restart aside).
    await waitForOutboxSent(db, 'refund');
    const requested = await publishedEvents(`${prefix}refund.requested`);
    expect(requested.filter((e) => e.key === G)).toHaveLength(2);
    // The key with another application is refused.
    const reused = await apply({ ...body, amountFen: 100 }, 'tax-2022-0110-G');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({
      message: 'this Idempotency-Key was used for a different application',
      details: { code: 'IDEMPOTENCY_KEY_REUSED', info: { refundId: first.body.refundId } },
    });
  });

  it("enters a day's applications from one CSV file, with the same checks per row and a reject list", async () => {
    const H = shandanId(208, '19800101');
    await inject.send([payment(H, 'V-H-1', 32000)]);
    await paymentSeen('V-H-1');
    const csv = [
      'voucher_no,id_number,amount_fen,reason,payee_name,payee_bank,payee_account,note',
      `V-H-1,${H},32000,DUPLICATE_PAYMENT,退费人,农行,6228480123456789012,`,
      `V-H-1,${H},100,OVERPAYMENT,退费人,农行,6228480123456789012,second row for one voucher`,
      `V-H-2,620725198001012081,32000,DUPLICATE_PAYMENT,退费人,,6228480123456789012,`,
      `V-H-3,${H},32000,DUPLICATE_PAYMENT,退费人,,6228480123456789012,unknown voucher`,
    ].join('\n');
    const send = async () => {
      const r = await fetch(`${refund.url}/v1/refunds/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.tax.key}`, 'content-type': 'text/csv' },
        body: csv,
      });
      return { status: r.status, body: (await r.json()) as Body };
    };
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 4, entered: 2, replayed: 0, rejectedCount: 2 });
    expect(first.body.refunds).toMatchObject([
      { line: 2, voucherNo: 'V-H-1', precheckPassed: true },
      { line: 5, voucherNo: 'V-H-3', precheckPassed: false },
    ]);
    expect(first.body.rejected).toEqual([
      {
        line: 3,
        voucherNo: 'V-H-1',
        idNumber: `${H.slice(0, 6)}********${H.slice(14)}`,
        code: 'OPEN_REFUND_EXISTS',
        message: 'voucher V-H-1 already has an open refund',
      },
      {
        line: 4,
        voucherNo: 'V-H-2',
        idNumber: '620725********2081',
        code: 'INVALID_COMMAND',
        message: 'idNumber must be a valid resident ID number',
      },
    ]);
    const template = await fetch(`${refund.url}/v1/templates/refund-batch`, {
      headers: { authorization: `Bearer ${KEYS.tax.key}` },
    });
    expect((await template.text()).replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe(csv.split('\n')[0]);
    // The same file again: nothing entered twice.
    const again = await send();
    expect(again.body).toMatchObject({ rows: 4, entered: 0, replayed: 2, rejectedCount: 2 });
    expect((again.body.refunds as Body[]).map((r) => r.refundId)).toEqual(
      (first.body.refunds as Body[]).map((r) => r.refundId),
    );
  });

  it('documents every route with its bodies and refusals in OpenAPI', async () => {
    const doc = (await (await fetch(`${refund.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/refunds',
        '/v1/refunds/batch',
        '/v1/refunds/{id}',
        '/v1/refunds/{id}/review',
        '/v1/refunds/{id}/payout',
        '/v1/refunds/{id}/withdraw',
        '/v1/refund-candidates',
        '/v1/refund-plans',
        '/v1/refund-plans/{id}',
        '/v1/refund-plans/{id}/export',
        '/v1/refund-plans/{id}/funding',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/refunds'].post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '409', '422']),
    );
    expect(doc.paths['/v1/refund-plans/{id}/funding'].post.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/v1/refunds/{id}/review'].post.responses)).toEqual(
      expect.arrayContaining(['200', '403', '404', '409', '422']),
    );
  });
});
