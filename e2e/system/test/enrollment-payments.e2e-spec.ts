import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { EventInjector } from './support/events';
import { metricValue, waitForMetricAbove } from './support/metrics';
import { shandanId } from './support/resident-ids';
import {
  api,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
  freshDatabase,
} from './support/services';

let dbUrl = '';

const FEED = '3f6d1d0e-2b7e-4a51-9d0e-0c1f5c9b7a11';

describe('enrollment-service: payments from the tax feed drive the enrolment', () => {
  let svc: ServiceProcess;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}enrolpay.`;
  const inject = new EventInjector(prefix);
  const mib = TEST_KEYS.mib.key;
  const view = async (id: string) =>
    (await api(svc.url, 'GET', `/v1/persons/${id}/seasons/2023`, mib)).body as Record<string, unknown> & {
      history: { change: string }[];
    };
  const register = (id: string) =>
    api(svc.url, 'POST', '/v1/enrollments', mib, {
      idNumber: id,
      name: '缴费人',
      season: 2023,
      regionCode: '620725',
      townshipCode: '620725101',
      kind: 'NEW',
    });
  const payment = (
    id: string,
    voucherNo: string,
    amountFen: number,
    paidAt = '2023-10-16T09:30:00+08:00',
    channel = 'WECHAT',
  ) =>
    inject.envelope('payment.recorded', {
      voucherNo,
      idNumber: id,
      name: '缴费人',
      regionCode: '620725',
      townshipCode: '620725101',
      season: 2023,
      amountFen,
      channel,
      paidAt,
      feedId: FEED,
    });

  beforeAll(async () => {
    dbUrl = await freshDatabase('payments');
    svc = spawnService('enrollment-service', 14500, {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: prefix,
      CLOCK_START: '2023-10-15T10:00:00+08:00',
    });
    await waitReady(svc);
  });

  afterAll(async () => {
    await svc?.stop();
  });

  it('activates on payment with the right benefit period, ignores a duplicate, and a reversal undoes it', async () => {
    const id = shandanId(101, '19660606');
    expect((await register(id)).status).toBe(201);
    const paid = payment(id, 'V-101-1', 38000);
    await inject.send([paid]);
    const active = await waitFor(
      'activation',
      () => view(id),
      (v) => v.status === 'ACTIVE',
    );
    expect(active).toMatchObject({
      status: 'ACTIVE',
      paidFen: 38000,
      paidAs: 'PAID',
      paymentFlag: null,
      benefitPeriod: { from: '2024-01-01', to: '2024-12-31', waitingMonths: 0 },
      payments: [{ voucherNo: 'V-101-1', kind: 'PAYMENT', amountFen: 38000, channel: 'WECHAT' }],
    });
    expect(active.history.map((h) => h.change)).toEqual(['REGISTERED', 'PAID', 'ACTIVE']);

    // The same event again, and the same voucher in another event: nothing changes.
    await inject.send([paid, payment(id, 'V-101-1', 38000)]);
    const reversal = inject.envelope('payment.reversed', {
      voucherNo: 'R-101-1',
      originalVoucherNo: 'V-101-1',
      idNumber: id,
      regionCode: '620725',
      season: 2023,
      amountFen: -38000,
      reversedAt: '2023-10-17T11:00:00+08:00',
      feedId: FEED,
    });
    await inject.send([reversal]);
    const undone = await waitFor(
      'reversal',
      () => view(id),
      (v) => v.status === 'REGISTERED',
    );
    expect(undone).toMatchObject({ status: 'REGISTERED', paidFen: 0, benefitPeriod: null });
    expect((undone.payments as unknown[]).length).toBe(2);
    expect(undone.history.map((h) => h.change)).toEqual(['REGISTERED', 'PAID', 'ACTIVE', 'DEACTIVATED']);
    // The reversal delivered again changes nothing either: once the inbox has skipped it (consumer
    // series are labelled with the topic's name without the deployment prefix).
    const topic = 'payment.reversed';
    const skipped = await metricValue(svc.url, 'messaging_events_duplicate_total', { topic });
    await inject.send([reversal]);
    await waitForMetricAbove(svc.url, 'messaging_events_duplicate_total', { topic }, skipped);
    expect(await view(id)).toEqual(undone);
  });

  it('publishes enrollment.activated once', async () => {
    const id = shandanId(102, '19660606');
    await register(id);
    await inject.send([payment(id, 'V-102-1', 38000)]);
    await waitFor(
      'activation',
      () => view(id),
      (v) => v.status === 'ACTIVE',
    );
    const kafka = new Kafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `check-${randomUUID()}` });
    const seen: { idNumber: string; benefitStart: string; paidAs: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}enrollment.activated`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString()).payload),
    });
    try {
      // Every activation the service has published (its outbox is empty) has been read here.
      await waitFor(
        'every published activation',
        async () => ({
          read: seen.length,
          backlog: await metricValue(svc.url, 'messaging_outbox_backlog'),
          produced: await metricValue(svc.url, 'messaging_events_produced_total', {
            topic: `${prefix}enrollment.activated`,
          }),
        }),
        (v) => v.backlog === 0 && v.produced >= 1 && v.read >= v.produced,
        30_000,
      );
    } finally {
      await consumer.disconnect();
    }
    expect(seen.filter((s) => s.idNumber === id)).toEqual([
      expect.objectContaining({ idNumber: id, benefitStart: '2024-01-01', paidAs: 'PAID' }),
    ]);
  });

  it('flags under- and over-payment: an over-payment becomes a refund candidate', async () => {
    const under = shandanId(103, '19660606');
    await register(under);
    await inject.send([payment(under, 'V-103-1', 20000)]);
    expect(
      await waitFor(
        'under',
        () => view(under),
        (v) => v.paidFen === 20000,
      ),
    ).toMatchObject({ status: 'REGISTERED', paymentFlag: 'UNDERPAID' });

    const over = shandanId(104, '19660606');
    await register(over);
    await inject.send([
      payment(over, 'V-104-1', 38000),
      payment(over, 'V-104-2', 38000, '2023-10-18T09:00:00+08:00'),
    ]);
    expect(
      await waitFor(
        'over',
        () => view(over),
        (v) => v.paidFen === 76000,
      ),
    ).toMatchObject({ status: 'ACTIVE', paymentFlag: 'OVERPAID', refundCandidateFen: 38000 });
  });

  it('takes refunds into the ledger: an over-payment refund clears the flag, a cancelled enrolment becomes REFUNDED', async () => {
    const refund = (id: string, amountFen: number, reason: string) =>
      inject.envelope('refund.paid', {
        refundId: randomUUID(),
        idNumber: id,
        season: 2023,
        regionCode: '620725',
        amountFen,
        reason,
        paidAt: '2023-11-01T10:00:00+08:00',
      });
    const over = shandanId(104, '19660606'); // paid twice in the test above
    const r1 = refund(over, 38000, 'DUPLICATE_PAYMENT');
    await inject.send([r1, r1]);
    expect(
      await waitFor(
        'refunded over-payment',
        () => view(over),
        (v) => v.paidFen === 38000,
      ),
    ).toMatchObject({ status: 'ACTIVE', paymentFlag: null, refundCandidateFen: 0 });

    const leaver = shandanId(107, '19660606');
    const reg = await register(leaver);
    await inject.send([payment(leaver, 'V-107-1', 38000)]);
    await waitFor(
      'active',
      () => view(leaver),
      (v) => v.status === 'ACTIVE',
    );
    // A paid enrolment is cancelled in two steps: entered by the mib clerk, confirmed by another mib holder.
    const entered = await api(svc.url, 'POST', `/v1/enrollments/${reg.body.enrollmentId}/cancel`, mib, {
      reason: 'EMPLOYEE_INSURANCE',
      effectiveDate: '2023-10-20',
    });
    expect(entered).toMatchObject({ status: 202, body: { status: 'PENDING_CONFIRMATION' } });
    const cancelled = await api(
      svc.url,
      'POST',
      `/v1/enrollments/cancellations/${(entered.body as { cancellationId: string }).cancellationId}/confirm`,
      TEST_KEYS.mibChecker.key,
      {},
    );
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paidFen: 38000 });
    await inject.send([refund(leaver, 38000, 'DOUBLE_COVER_EMPLOYEE')]);
    const done = await waitFor(
      'refunded',
      () => view(leaver),
      (v) => v.status === 'REFUNDED',
    );
    expect(done).toMatchObject({ status: 'REFUNDED', cancelReason: 'EMPLOYEE_INSURANCE' });
    expect(done.history.map((h) => h.change)).toEqual([
      'REGISTERED',
      'PAID',
      'ACTIVE',
      'CANCELLED',
      'REFUNDED',
    ]);
    expect(
      (done.payments as { kind: string; amountFen: number }[]).map((p) => [p.kind, p.amountFen]),
    ).toEqual([
      ['PAYMENT', 38000],
      ['REFUND', -38000],
    ]);
  });

  it('follows subsidy.assessed until paid: a DIFFERENCE subsidy lowers the amount due', async () => {
    const id = shandanId(105, '19660606');
    await register(id);
    await inject.send([
      inject.envelope('subsidy.assessed', {
        idNumber: id,
        season: 2023,
        regionCode: '620725',
        policyId: '620725-2023',
        category: 'MINIMUM_LIVING_RURAL_CLASS_1_2',
        subsidyFen: 31000,
        mode: 'DIFFERENCE',
        amountDueFen: 7000,
        route: 'REDUCED_CONTRIBUTION',
        reason: '农村一、二类低保: DIFFERENCE 31000 fen',
        assessedAt: '2023-10-15T12:00:00+08:00',
      }),
    ]);
    expect(
      await waitFor(
        'assessed',
        () => view(id),
        (v) => v.amountDueFen === 7000,
      ),
    ).toMatchObject({
      subsidy: { fen: 31000, category: 'MINIMUM_LIVING_RURAL_CLASS_1_2', mode: 'DIFFERENCE' },
    });
    await inject.send([payment(id, 'V-105-1', 7000)]);
    expect(
      await waitFor(
        'active',
        () => view(id),
        (v) => v.status === 'ACTIVE',
      ),
    ).toMatchObject({ paidFen: 7000, paymentFlag: null });
  });

  it('registers a payer nobody registered (a renewal that just pays) and activates them', async () => {
    const id = shandanId(106, '19660606');
    await inject.send([payment(id, 'V-106-1', 38000)]);
    const v = await waitFor(
      'auto-registration',
      async () => (await api(svc.url, 'GET', `/v1/persons/${id}/seasons/2023`, mib)).body,
      (b) => b.status === 'ACTIVE',
    );
    expect(v).toMatchObject({
      kind: 'NEW',
      status: 'ACTIVE',
      townshipCode: '620725101',
      history: [
        { by: 'tax-collection-feed', change: 'REGISTERED' },
        { change: 'PAID' },
        { change: 'ACTIVE' },
      ],
    });
  });

  it('shows townships only their own area', async () => {
    const id = shandanId(101, '19660606');
    expect(
      (await api(svc.url, 'GET', `/v1/persons/${id}/seasons/2023`, TEST_KEYS.township.key)).body,
    ).toMatchObject({
      statusCode: 403,
      message: 'township 620725100 may only see its own area',
    });
  });
});
