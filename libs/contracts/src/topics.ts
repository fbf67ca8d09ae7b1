/**
 * Every topic of the system. The event `type` in the envelope is the topic's logical name; the
 * physical topic may carry a deployment prefix (KAFKA_TOPIC_PREFIX), see libs/messaging.
 */
export const Topics = {
  EnrollmentRegistered: 'enrollment.registered',
  EnrollmentActivated: 'enrollment.activated',
  EnrollmentCancelled: 'enrollment.cancelled',
  EnrollmentStanding: 'enrollment.standing',
  SubsidyAssessed: 'subsidy.assessed',
  SubsidyTransferRequested: 'subsidy.transfer.requested',
  SubsidyTransferSettled: 'subsidy.transfer.settled',
  PaymentRecorded: 'payment.recorded',
  PaymentReversed: 'payment.reversed',
  FeedAccepted: 'feed.accepted',
  FeedLate: 'feed.late',
  RefundRequested: 'refund.requested',
  RefundApproved: 'refund.approved',
  RefundRejected: 'refund.rejected',
  RefundPlanSubmitted: 'refund.plan.submitted',
  RefundPlanFunded: 'refund.plan.funded',
  RefundPaid: 'refund.paid',
  ReportAlertRaised: 'report.alert.raised',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** Poison messages of `<topic>` go to `<topic>.dlq`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export const SERVICE_NAMES = [
  'enrollment-service',
  'subsidy-service',
  'tax-collection-feed-service',
  'refund-service',
  'reporting-service',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
