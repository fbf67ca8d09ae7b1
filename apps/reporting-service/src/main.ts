import { runService } from '@urrbmi/platform';
import { reportingService } from './reporting-service.definition';

runService(reportingService);
