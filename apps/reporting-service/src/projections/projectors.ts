import { EntityManager } from 'typeorm';
import { Topics } from '@urrbmi/contracts';
import { ProjectionRepository } from './projection.repository';

/**
 * Which repository statement projects which topic. Adding a topic is one line here, one statement in
 * the repository and one `@EventPattern` method in the controller.
 */
export const PROJECTORS = {
  [Topics.EnrollmentRegistered]: (r, m, p) => r.registrations(m, p as never),
  [Topics.EnrollmentActivated]: (r, m, p) => r.activations(m, p as never),
  [Topics.EnrollmentCancelled]: (r, m, p) => r.cancellations(m, p as never),
  [Topics.PaymentRecorded]: (r, m, p) => r.payments(m, p as never),
  [Topics.PaymentReversed]: (r, m, p) => r.reversals(m, p as never),
  [Topics.SubsidyAssessed]: (r, m, p) => r.assessments(m, p as never),
  [Topics.SubsidyTransferRequested]: (r, m, p) => r.transferRequests(m, p as never),
  [Topics.SubsidyTransferSettled]: (r, m, p) => r.transferSettlements(m, p as never),
  [Topics.RefundPaid]: (r, m, p) => r.refunds(m, p as never),
  [Topics.FeedAccepted]: (r, m, p) => r.feedsAccepted(m, p as never),
  [Topics.FeedLate]: (r, m, p) => r.feedsLate(m, p as never),
} satisfies Record<string, (r: ProjectionRepository, m: EntityManager, payloads: object[]) => Promise<void>>;

export type ProjectedTopic = keyof typeof PROJECTORS;
export const PROJECTED_TOPICS = Object.keys(PROJECTORS) as ProjectedTopic[];
