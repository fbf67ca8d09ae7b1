import { runService } from '@urrbmi/platform';
import { reportingService } from './reporting-service.definition';

// The service's own settings (reportingService.settings) are checked at boot with the common ones.
runService(reportingService);
