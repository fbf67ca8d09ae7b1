import { ServiceDefinition } from '@urrbmi/platform';
import { RefundUploadSettings } from './applications/refund-upload-settings';
import { ApplicationsModule } from './applications/applications.module';
import { FundingModule } from './funding/funding.module';
import { Refunds1764100001000 } from './migrations/1764100001000-refunds';
import { PayoutsModule } from './payouts/payouts.module';
import { PlansModule } from './plans/plans.module';
import { ProjectionsModule } from './projections/projections.module';
import { ReviewModule } from './review/review.module';

export const refundService: ServiceDefinition = {
  name: 'refund-service',
  title: 'Refund service (退费)',
  description:
    'Refund applications from the tax bureau, review by the medical insurance bureau, refund funding plans, finance funding and payouts.',
  defaultPort: 3104,
  schema: 'refund',
  // The refund desk's consumer only keeps copies of payments and enrolments, each an upsert to the
  // event's own content or towards the earliest reversal and cancellation, the latest activation:
  // an event applied twice, or events of different topics at once, leave the same rows. So no
  // inbox row per event, and two partitions applied at once (a province runs DB_POOL_SIZE 5: the
  // rest stays free for HTTP).
  consumerTuning: { inbox: false, partitionsConsumedConcurrently: 2 },
  migrations: [Refunds1764100001000],
  fileKinds: ['refund-batch'],
  settings: [RefundUploadSettings],
  imports: [ProjectionsModule, ApplicationsModule, ReviewModule, PlansModule, FundingModule, PayoutsModule],
};
