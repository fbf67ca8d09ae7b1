import { runService } from '@urrbmi/platform';
import { taxCollectionFeedService } from './tax-collection-feed-service.definition';

runService(taxCollectionFeedService);
