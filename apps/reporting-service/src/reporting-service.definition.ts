import { varcharCodesMigration } from '@urrbmi/persistence';
import { ServiceDefinition } from '@urrbmi/platform';
import { AlertsModule } from './alerts/alerts.module';
import { CollectionsModule } from './collections/collections.module';
import { RegistrationProgress1763800005000 } from './migrations/1763800005000-registration-progress';
import { ReportingProjections1763800006000 } from './migrations/1763800006000-reporting-projections';
import { RebuildRuns1763800007000 } from './migrations/1763800007000-rebuild-runs';
import { OpsModule } from './ops/ops.module';
import { PagesModule } from './pages/pages.module';
import { ProgressModule } from './progress/progress.module';
import { ProjectionsModule } from './projections/projections.module';
import { QuotasModule } from './quotas/quotas.module';
import { RankingsModule } from './rankings/rankings.module';
import { ReportingSettings } from './shared/reporting-settings';
import { ReportingSharedModule } from './shared/shared.module';
import { UnpaidModule } from './unpaid/unpaid.module';

export const reportingService: ServiceDefinition = {
  name: 'reporting-service',
  title: 'Reporting service (督导报表)',
  description:
    'Quotas, progress by township and village, weekly rankings, alerts, daily collection, unpaid lists, ops view of queues.',
  defaultPort: 3105,
  schema: 'reporting',
  // Every projection statement is idempotent by itself and no fact depends on the order across
  // partitions (the argument the rebuild rests on, README "Rebuild"): no inbox row per event, and
  // two partitions applied at once (a province runs DB_POOL_SIZE 5: the
  // rest stays free for HTTP).
  consumerTuning: { inbox: false, partitionsConsumedConcurrently: 2 },
  migrations: [
    RegistrationProgress1763800005000,
    ReportingProjections1763800006000,
    RebuildRuns1763800007000,
    varcharCodesMigration('reporting', {
      fact_activation: { id_number: 18, region_code: 6 },
      fact_assessment: { id_number: 18, region_code: 6 },
      fact_cancellation: { id_number: 18, region_code: 6 },
      fact_feed: { region_code: 6 },
      fact_feed_late: { region_code: 6 },
      fact_payment: { id_number: 18, region_code: 6 },
      fact_refund: { id_number: 18, region_code: 6 },
      fact_registration: { id_number: 18, region_code: 6 },
      fact_reversal: { id_number: 18, region_code: 6 },
      fact_transfer: { id_number: 18, region_code: 6 },
      hardship_reason: { id_number: 18 },
      quota_import: { region_code: 6 },
      quota_unit: { region_code: 6 },
      ranking_alert: { region_code: 6 },
    }),
  ],
  fileKinds: ['quotas'],
  settings: [ReportingSettings],
  imports: [
    ReportingSharedModule,
    ProjectionsModule,
    QuotasModule,
    ProgressModule,
    RankingsModule,
    AlertsModule,
    CollectionsModule,
    UnpaidModule,
    OpsModule,
    PagesModule,
  ],
};
