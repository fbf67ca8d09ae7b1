import { runService } from '@urrbmi/platform';
import { enrollmentService } from './enrollment-service.definition';

runService(enrollmentService);
