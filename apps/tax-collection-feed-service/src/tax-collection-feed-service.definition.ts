import { varcharCodesMigration } from '@urrbmi/persistence';
import { ServiceDefinition } from '@urrbmi/platform';
import { DeadlineModule } from './deadline/deadline.module';
import { FeedSettings } from './feeds/feed-settings';
import { FeedsModule } from './feeds/feeds.module';
import { FeedLedger1763800010000 } from './migrations/1763800010000-feed-ledger';
import { CollectionRoster1763800011000 } from './migrations/1763800011000-collection-roster';
import { RosterFactOrder1764230010000 } from './migrations/1764230010000-roster-fact-order';
import { MaskQuarantinedRawLines1764300050000 } from './migrations/1764300050000-mask-quarantined-raw-lines';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { CollectionRosterModule } from './roster/collection-roster.module';
import { FeedFileJob1764300010000 } from './migrations/1764300010000-feed-file-job';
import { RosterChangeXid1764800010000 } from './migrations/1764800010000-roster-change-xid';

export const taxCollectionFeedService: ServiceDefinition = {
  name: 'tax-collection-feed-service',
  title: 'Tax collection feed service (税务缴费明细)',
  description:
    'Daily feed batches, payments ledger unique by tax voucher, quarantine, deadline monitor, reconciliation.',
  defaultPort: 3103,
  schema: 'tax_feed',
  // The collection roster is the only consumer here, and it keeps the latest fact by the facts' own
  // order (standing versions, registration and assessment times): a fact applied twice leaves the
  // same row, so no inbox row per event. Partitions are applied two at a time (replicas write at
  // once anyway): the tax bureau's pull orders changes by writing transaction and serves only those
  // no running transaction can commit behind (RosterRepository.pullBound), so sequence values
  // committed out of order cannot let a cursor pass a change.
  consumerTuning: { inbox: false, partitionsConsumedConcurrently: 2 },
  migrations: [
    FeedLedger1763800010000,
    CollectionRoster1763800011000,
    RosterFactOrder1764230010000,
    MaskQuarantinedRawLines1764300050000,
    FeedFileJob1764300010000,
    varcharCodesMigration('tax_feed', {
      feeds: { region_code: 6, sha256: 64 },
      late_feeds: { region_code: 6 },
      payments: { id_number: 18, region_code: 6 },
      roster: { id_number: 18, region_code: 6 },
    }),
    RosterChangeXid1764800010000,
  ],
  fileKinds: ['daily-feed'],
  settings: [FeedSettings],
  imports: [FeedsModule, ReconciliationModule, CollectionRosterModule, DeadlineModule],
};
