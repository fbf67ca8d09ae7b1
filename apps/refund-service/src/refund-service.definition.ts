import { ServiceDefinition } from '@urrbmi/platform';

/** Boots with its schema, health, metrics and the event backbone; its features come with issue on refunds. */
export const refundService: ServiceDefinition = {
  name: 'refund-service',
  title: 'Refund service (退费)',
  description: 'Refund applications, review, refund funding plans, finance funding and payouts.',
  defaultPort: 3104,
  schema: 'refund',
  migrations: [],
  imports: [],
};
