import { runService } from '@urrbmi/platform';
import { reportingService } from './reporting-service.definition';
import { loadReportingSettings } from './shared/reporting-settings';

// The service's own settings are checked before anything connects, like the common ones.
try {
  loadReportingSettings();
} catch (e) {
  console.error(`[${reportingService.name}] ${(e as Error).message}`);
  process.exit(1);
}
runService(reportingService);
