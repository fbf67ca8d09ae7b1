import { DataSource } from 'typeorm';
import { messagingMigrations } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema, recreateDatabase } from '@urrbmi/persistence';
import { taxCollectionFeedService } from '../src/tax-collection-feed-service.definition';

/**
 * The `tax_feed` schema migrated on the test database, or, given `ownDatabase`, on a database of
 * that file's own made afresh (`<test db>_<ownDatabase>_test`), shared by nothing else.
 */
export async function taxFeedDataSource(ownDatabase?: string, poolSize = 4): Promise<DataSource> {
  const base = process.env.DATABASE_URL;
  if (!base)
    throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
  const url = new URL(base);
  if (ownDatabase) {
    url.pathname = `${url.pathname}_${ownDatabase}_test`;
    await recreateDatabase(url.toString());
  }
  const ds = createServiceDataSource({
    url: url.toString(),
    schema: 'tax_feed',
    migrations: [...messagingMigrations('tax_feed'), ...taxCollectionFeedService.migrations],
    poolSize,
  });
  await ds.initialize();
  await migrateServiceSchema(ds);
  return ds;
}
