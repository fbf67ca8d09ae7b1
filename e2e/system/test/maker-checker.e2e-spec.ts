import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { shandanId } from './support/resident-ids';
import { api, ServiceUnderTest, startServiceUnderTest, TEST_KEYS, waitFor } from './support/services';

const mib = TEST_KEYS.mib.key;
const checker = TEST_KEYS.mibChecker.key;

/**
 * Maker-checker where money or status moves (issue #14 item 4): bank settlements of transfers, the
 * cancellation of a paid enrolment, death lists, the employee-insured list. Entered by one key holder, pending and
 * visible, applied only when another holder of the same role confirms; the maker's own confirmation
 * is refused with a coded 403 and a second decision with a coded 409.
 */
describe('maker-checker over HTTP', () => {
  let sub: ServiceUnderTest;
  let enr: ServiceUnderTest;

  beforeAll(async () => {
    [sub, enr] = await Promise.all([
      startServiceUnderTest('subsidy-service', 21200, 'subsidyshape-mc-sub', {
        SUBSIDY_MATCH_SCHEDULE: 'off',
      }),
      startServiceUnderTest('enrollment-service', 21210, 'subsidyshape-mc-enr', {
        CLOCK_START: '2023-10-15T10:00:00+08:00',
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sub?.stop(), enr?.stop()]);
  });

  it('settles transfers only when a second holder confirms the bank results', async () => {
    // Two transfers as the monthly match leaves them (the match itself is covered by subsidy.e2e-spec).
    const [t1, t2] = [randomUUID(), randomUUID()];
    for (const [id, n] of [
      [t1, 1],
      [t2, 2],
    ] as const)
      await sub.db.query(
        `INSERT INTO subsidy.transfers (id, id_number, season, region_code, match_month, transfer_month, amount_fen, category, route, status, reason)
         VALUES ($1, $2, 2023, '620725', '2023-10', '2023-11', 8000, 'MINIMUM_LIVING', 'ONE_CARD', 'REQUESTED', 'test')`,
        [id, shandanId(n, '19720202')],
      );
    const statuses = async () =>
      (
        (await sub.db.query(`SELECT status FROM subsidy.transfers ORDER BY id_number`)).rows as {
          status: string;
        }[]
      ).map((r) => r.status);
    const url = sub.svc.url;
    const entered = await api(url, 'POST', '/v1/transfers/settlements', mib, {
      results: [
        { transferId: t1, status: 'PAID' },
        { transferId: t2, status: 'FAILED', failure: '账户已销户' },
      ],
    });
    expect(entered).toMatchObject({
      status: 202,
      body: { status: 'PENDING', results: 2, enteredBy: 'e2e-mib-clerk' },
    });
    const id = (entered.body as { settlementId: string }).settlementId;
    expect((await api(url, 'GET', '/v1/transfers/settlements', TEST_KEYS.mibChecker.key)).body).toMatchObject(
      {
        pending: [{ settlementId: id, status: 'PENDING' }],
      },
    );
    expect((await api(url, 'POST', `/v1/transfers/settlements/${id}/confirm`, mib, {})).body).toMatchObject({
      statusCode: 403,
      details: { code: 'SAME_HOLDER' },
    });
    expect(await statuses()).toEqual(['REQUESTED', 'REQUESTED']);

    const confirmed = await api(url, 'POST', `/v1/transfers/settlements/${id}/confirm`, checker, {
      note: '与银行回单核对无误',
    });
    expect(confirmed).toMatchObject({
      status: 200,
      body: {
        status: 'CONFIRMED',
        decidedBy: 'e2e-mib-checker',
        settled: 2,
        paid: 1,
        failed: 1,
        ignored: [],
      },
    });
    expect(await statuses()).toEqual(['PAID', 'FAILED']);
    expect(
      (await api(url, 'POST', `/v1/transfers/settlements/${id}/confirm`, checker, {})).body,
    ).toMatchObject({
      statusCode: 409,
      details: { code: 'ALREADY_DECIDED' },
    });
    expect((await api(url, 'GET', `/v1/transfers/settlements/${id}`, mib)).body).toMatchObject({
      status: 'CONFIRMED',
      settled: 2,
    });
  });

  it('cancels a paid enrolment only when a second holder confirms; an unpaid one at once', async () => {
    const url = enr.svc.url;
    const inject = new EventInjector(enr.prefix);
    const register = async (n: number) => {
      const r = await api(url, 'POST', '/v1/enrollments', mib, {
        idNumber: shandanId(n, '19660606'),
        name: '参保人',
        season: 2023,
        regionCode: '620725',
        townshipCode: '620725100',
        kind: 'NEW',
      });
      expect(r.status).toBe(201);
      return (r.body as { enrollmentId: string }).enrollmentId;
    };
    const person = async (n: number) =>
      (await api(url, 'GET', `/v1/persons/${shandanId(n, '19660606')}/seasons/2023`, mib)) as unknown as {
        body: { status: string; paidFen: number };
      };

    const unpaid = await register(11);
    expect(
      await api(url, 'POST', `/v1/enrollments/${unpaid}/cancel`, TEST_KEYS.township.key, {
        reason: 'TRANSFER_OUT',
      }),
    ).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });

    const paid = await register(12);
    await inject.send([
      inject.envelope('payment.recorded', {
        voucherNo: 'V-MC-12',
        idNumber: shandanId(12, '19660606'),
        name: '参保人',
        regionCode: '620725',
        townshipCode: '620725100',
        season: 2023,
        amountFen: 38000,
        channel: 'WECHAT',
        paidAt: '2023-10-16T09:30:00+08:00',
        feedId: randomUUID(),
      }),
    ]);
    await waitFor(
      'payment applied',
      () => person(12),
      (r) => r.body.paidFen === 38000,
    );
    const entered = await api(url, 'POST', `/v1/enrollments/${paid}/cancel`, mib, { reason: 'TRANSFER_OUT' });
    expect(entered).toMatchObject({
      status: 202,
      body: { status: 'PENDING_CONFIRMATION', enrollmentId: paid, paidFen: 38000 },
    });
    const id = (entered.body as { cancellationId: string }).cancellationId;
    expect((await api(url, 'GET', '/v1/enrollments/cancellations', mib)).body).toMatchObject({
      pending: [{ cancellationId: id, enrollmentId: paid }],
    });
    expect(
      (await api(url, 'POST', `/v1/enrollments/${paid}/cancel`, mib, { reason: 'DEATH' })).body,
    ).toMatchObject({
      statusCode: 409,
      details: { code: 'CANCELLATION_PENDING', info: { cancellationId: id } },
    });
    expect(
      (await api(url, 'POST', `/v1/enrollments/cancellations/${id}/confirm`, mib, {})).body,
    ).toMatchObject({
      statusCode: 403,
      details: { code: 'SAME_HOLDER' },
    });
    // Another role (a township key, even of the enrolment's area) is not the maker's checker either.
    expect(
      (await api(url, 'POST', `/v1/enrollments/cancellations/${id}/confirm`, TEST_KEYS.township.key, {}))
        .body,
    ).toMatchObject({ statusCode: 403, details: { code: 'OTHER_ROLE' } });
    expect((await person(12)).body.status).toBe('ACTIVE');

    expect(await api(url, 'POST', `/v1/enrollments/cancellations/${id}/confirm`, checker, {})).toMatchObject({
      status: 200,
      body: {
        status: 'CANCELLED',
        paidFen: 38000,
        enteredBy: 'e2e-mib-clerk',
        confirmedBy: 'e2e-mib-checker',
      },
    });
    expect((await person(12)).body.status).toBe('CANCELLED');
    expect(
      (await api(url, 'POST', `/v1/enrollments/cancellations/${id}/reject`, checker, {})).body,
    ).toMatchObject({
      statusCode: 409,
      details: { code: 'ALREADY_DECIDED' },
    });
  });

  it('cancels from a death list only when a second holder confirms it; a rejected list cancels nothing', async () => {
    const url = enr.svc.url;
    const [dead, alsoDead] = [shandanId(31, '19400404'), shandanId(32, '19400404')];
    for (const idNumber of [dead, alsoDead])
      expect(
        (
          await api(url, 'POST', '/v1/enrollments', mib, {
            idNumber,
            name: '参保人',
            season: 2023,
            regionCode: '620725',
            townshipCode: '620725100',
            kind: 'NEW',
          })
        ).status,
      ).toBe(201);
    const status = async (idNumber: string) =>
      (await api(url, 'GET', `/v1/persons/${idNumber}/seasons/2023`, mib)).body.status;
    const deathList = async (idNumber: string) => {
      const r = await fetch(`${url}/v1/enrollments/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${mib}`, 'content-type': 'text/csv', 'x-batch-type': 'DEATHS' },
        body: `id_number,season,date_of_death\n${idNumber},2023,2023-10-12\n`,
      });
      const id = ((await r.json()) as { batchId: string }).batchId;
      await waitFor(
        'death list processed',
        async () => (await api(url, 'GET', `/v1/enrollments/batch/${id}`, mib)).body,
        (b) => b.status === 'DONE',
      );
      return id;
    };

    const list = await deathList(dead);
    expect((await api(url, 'GET', `/v1/enrollments/batch/${list}`, mib)).body).toMatchObject({
      accepted: 1,
      deathList: { status: 'PENDING_CONFIRMATION', held: 1, enteredBy: 'e2e-mib-clerk' },
    });
    expect((await api(url, 'GET', '/v1/enrollments/batch', checker)).body).toMatchObject({
      pending: [{ batchId: list }],
    });
    expect(await status(dead)).toBe('REGISTERED');
    expect((await api(url, 'POST', `/v1/enrollments/batch/${list}/confirm`, mib, {})).body).toMatchObject({
      statusCode: 403,
      details: { code: 'SAME_HOLDER' },
    });
    expect(await status(dead)).toBe('REGISTERED');
    expect(await api(url, 'POST', `/v1/enrollments/batch/${list}/confirm`, checker, {})).toMatchObject({
      status: 200,
      body: { status: 'CONFIRMED', cancelled: 1, decidedBy: 'e2e-mib-checker' },
    });
    expect(await status(dead)).toBe('CANCELLED');
    expect((await api(url, 'POST', `/v1/enrollments/batch/${list}/confirm`, checker, {})).body).toMatchObject(
      {
        statusCode: 409,
        details: { code: 'ALREADY_DECIDED' },
      },
    );

    const rejected = await deathList(alsoDead);
    expect(await api(url, 'POST', `/v1/enrollments/batch/${rejected}/reject`, checker, {})).toMatchObject({
      status: 200,
      body: { status: 'REJECTED' },
    });
    expect(await status(alsoDead)).toBe('REGISTERED');
  });

  it('records the employee-insured list only when a second mib holder confirms it', async () => {
    const url = enr.svc.url;
    const worker = shandanId(21, '19750101');
    const entered = await api(url, 'POST', '/v1/employee-insured', mib, {
      people: [{ idNumber: worker, name: '职工', insuredFrom: '2019-01-01' }],
    });
    expect(entered).toMatchObject({ status: 202, body: { status: 'PENDING', people: 1 } });
    const id = (entered.body as { listId: string }).listId;
    const register = () =>
      api(url, 'POST', '/v1/enrollments', mib, {
        idNumber: worker,
        name: '职工',
        season: 2023,
        regionCode: '620725',
        townshipCode: '620725100',
        kind: 'NEW',
      });
    expect((await api(url, 'POST', `/v1/employee-insured/${id}/confirm`, mib, {})).body).toMatchObject({
      statusCode: 403,
      details: { code: 'SAME_HOLDER' },
    });
    // Not recorded while pending: registration is still open to the person. Rejected: still nothing.
    expect(await api(url, 'POST', `/v1/employee-insured/${id}/reject`, checker, {})).toMatchObject({
      status: 200,
      body: { status: 'REJECTED' },
    });
    const again = await api(url, 'POST', '/v1/employee-insured', mib, { people: [{ idNumber: worker }] });
    const second = (again.body as { listId: string }).listId;
    expect(
      (await api(url, 'GET', `/v1/employee-insured/${second}`, TEST_KEYS.mibChecker.key)).body,
    ).toMatchObject({
      status: 'PENDING',
    });
    expect(await api(url, 'POST', `/v1/employee-insured/${second}/confirm`, checker, {})).toEqual({
      status: 200,
      body: { listed: 1, enrolmentsFlaggedDoubleCover: 0 },
    });
    expect((await register()).body).toMatchObject({ statusCode: 409, details: { code: 'DOUBLE_COVER' } });
  });
});
