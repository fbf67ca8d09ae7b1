import { DataSource } from 'typeorm';
import { contractCatalog, PaymentRecordedV1 } from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { messagingMigrations, OutboxWriter } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { Clock } from '@urrbmi/platform';
import { loadPolicies, PolicyRegistry } from '@urrbmi/policy';
import { SubmitRefundApplicationHandler } from '../src/applications/submit-refund-application.handler';
import { FundRefundPlanHandler } from '../src/funding/fund-refund-plan.handler';
import { Refunds1764100001000 } from '../src/migrations/1764100001000-refunds';
import { ConfirmPayoutHandler } from '../src/payouts/confirm-payout.handler';
import { PlansRepository } from '../src/plans/plans.repository';
import { SubmitRefundPlanHandler } from '../src/plans/submit-refund-plan.handler';
import { ProjectEnrolmentsHandler } from '../src/projections/project-enrolments';
import { ProjectPaymentsHandler } from '../src/projections/project-payments';
import { ProjectionsRepository } from '../src/projections/projections.repository';
import { RefundEvents } from '../src/refunds/refund-events';
import { RefundPrechecks } from '../src/refunds/refund-prechecks';
import { RefundTransitions } from '../src/refunds/refund-transitions';
import { RefundsRepository } from '../src/refunds/refunds.repository';
import { ReviewRefundHandler } from '../src/review/review-refund.handler';
import { WithdrawRefundHandler } from '../src/review/withdraw-refund.handler';

/** The refund service's use cases wired by hand on the test database's `refund` schema: no HTTP, no Nest. */
export async function refundDesk(clockStart = '2022-01-10T10:00:00+08:00') {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
  const ds: DataSource = createServiceDataSource({
    url,
    schema: 'refund',
    migrations: [...messagingMigrations('refund'), Refunds1764100001000],
    poolSize: 8,
  });
  await ds.initialize();
  await migrateServiceSchema(ds);
  const clock = new Clock(clockStart);
  const policies = new PolicyRegistry(loadPolicies());
  const outbox = new OutboxWriter('refund', 'refund-service', contractCatalog());
  const refunds = new RefundsRepository(ds);
  const projections = new ProjectionsRepository(ds);
  const plans = new PlansRepository(ds);
  const transitions = new RefundTransitions(refunds);
  const events = new RefundEvents(outbox);
  const prechecks = new RefundPrechecks(projections, refunds, policies);
  return {
    ds,
    projections,
    refunds,
    payments: new ProjectPaymentsHandler(projections),
    enrolments: new ProjectEnrolmentsHandler(projections),
    submit: new SubmitRefundApplicationHandler(ds, refunds, prechecks, events, clock),
    review: new ReviewRefundHandler(ds, refunds, prechecks, transitions, events, clock),
    plan: new SubmitRefundPlanHandler(ds, refunds, projections, plans, transitions, outbox, clock),
    withdraw: new WithdrawRefundHandler(ds, refunds, transitions, events, clock),
    fund: new FundRefundPlanHandler(ds, plans, refunds, transitions, outbox, clock),
    payout: new ConfirmPayoutHandler(ds, refunds, plans, transitions, events, clock),
    async reset() {
      await ds.query(
        `TRUNCATE refund.refund_plan_items, refund.refund_plans, refund.refund_transitions, refund.refunds,
                  refund.payments, refund.enrolments, refund.outbox`,
      );
    },
  };
}
export type RefundDesk = Awaited<ReturnType<typeof refundDesk>>;

export function personId(n: number): string {
  const first17 = `620725198502${String(10 + (n % 18)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

export function paid(idNumber: string, voucherNo: string, amountFen = 32000): PaymentRecordedV1 {
  return {
    voucherNo,
    idNumber,
    name: '缴费人',
    regionCode: '620725',
    townshipCode: '620725100',
    season: 2021,
    amountFen,
    channel: 'WECHAT',
    paidAt: '2021-10-16T09:30:00+08:00',
    feedId: '3f6d1d0e-2b7e-4a51-9d0e-0c1f5c9b7a11',
  };
}
