import { ServiceDefinition } from '@urrbmi/platform';

/** Boots with its schema, health, metrics and the event backbone; its features come with issue #5. */
export const subsidyService: ServiceDefinition = {
  name: 'subsidy-service',
  title: 'Subsidy service (资助参保)',
  description:
    'Roster snapshots per source, identity periods, highest-wins assessment, monthly match and one-card transfers.',
  defaultPort: 3102,
  schema: 'subsidy',
  migrations: [],
  imports: [],
};
