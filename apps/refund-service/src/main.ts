import { runService } from '@urrbmi/platform';
import { refundService } from './refund-service.definition';

runService(refundService);
