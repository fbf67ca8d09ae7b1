import { EventCatalog } from './catalog';
import { EnrollmentActivated } from './events/enrollment-activated/enrollment-activated.event';
import { EnrollmentCancelled } from './events/enrollment-cancelled/enrollment-cancelled.event';
import { EnrollmentStanding } from './events/enrollment-standing/enrollment-standing.event';
import { EnrollmentRegistered } from './events/enrollment-registered/enrollment-registered.event';
import { FeedAccepted } from './events/feed-accepted/feed-accepted.event';
import { FeedLate } from './events/feed-late/feed-late.event';
import { SubsidyTransferSettled } from './events/subsidy-transfer-settled/subsidy-transfer-settled.event';
import { SubsidyTransferRequested } from './events/subsidy-transfer-requested/subsidy-transfer-requested.event';
import { RefundPaid } from './events/refund-paid/refund-paid.event';
import { RefundRequested } from './events/refund-requested/refund-requested.event';
import { RefundApproved } from './events/refund-approved/refund-approved.event';
import { RefundRejected } from './events/refund-rejected/refund-rejected.event';
import { RefundPlanSubmitted } from './events/refund-plan-submitted/refund-plan-submitted.event';
import { RefundPlanFunded } from './events/refund-plan-funded/refund-plan-funded.event';
import { PaymentRecorded } from './events/payment-recorded/payment-recorded.event';
import { PaymentReversed } from './events/payment-reversed/payment-reversed.event';
import { SubsidyAssessed } from './events/subsidy-assessed/subsidy-assessed.event';
import { ReportAlertRaised } from './events/report-alert-raised/report-alert-raised.event';

/** Every event of the external contract, in every version consumers still accept. */
export function contractCatalog(): EventCatalog {
  return new EventCatalog([
    EnrollmentRegistered,
    EnrollmentActivated,
    EnrollmentCancelled,
    EnrollmentStanding,
    PaymentRecorded,
    PaymentReversed,
    SubsidyAssessed,
    RefundPaid,
    RefundRequested,
    RefundApproved,
    RefundRejected,
    RefundPlanSubmitted,
    RefundPlanFunded,
    FeedAccepted,
    FeedLate,
    SubsidyTransferRequested,
    SubsidyTransferSettled,
    ReportAlertRaised,
  ]);
}
