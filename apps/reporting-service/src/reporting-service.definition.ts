import { ServiceDefinition } from '@urrbmi/platform';
import { RegistrationProgress1763800005000 } from './migrations/1763800005000-registration-progress';
import { ProgressModule } from './progress/progress.module';

export const reportingService: ServiceDefinition = {
  name: 'reporting-service',
  title: 'Reporting service (督导报表)',
  description:
    'Quotas, progress by township and village, weekly rankings, alerts, daily collection, ops view of queues.',
  defaultPort: 3105,
  schema: 'reporting',
  migrations: [RegistrationProgress1763800005000],
  imports: [ProgressModule],
};
