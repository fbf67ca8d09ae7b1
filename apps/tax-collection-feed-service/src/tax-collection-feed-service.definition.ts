import { ServiceDefinition } from '@urrbmi/platform';

/** Boots with its schema, health, metrics and the event backbone; its features come with issue #6. */
export const taxCollectionFeedService: ServiceDefinition = {
  name: 'tax-collection-feed-service',
  title: 'Tax collection feed service (税务缴费明细)',
  description:
    'Daily feed batches, payments ledger unique by tax voucher, quarantine, collection roster, deadline monitor, reconciliation.',
  defaultPort: 3103,
  schema: 'tax_feed',
  migrations: [],
  imports: [],
};
