import { runService } from '@urrbmi/platform';
import { subsidyService } from './subsidy-service.definition';

runService(subsidyService);
