import { DataSource, MigrationInterface } from 'typeorm';
import { assertIdentifier } from './database-url';

export interface ServiceDataSourceOptions {
  url: string;
  /** The schema this service owns; nobody else reads or writes it. */
  schema: string;
  migrations: (new () => MigrationInterface)[];
  poolSize?: number;
  applicationName?: string;
}

/**
 * One TypeORM data source per service schema, `synchronize` off: the schema is exactly what the
 * service's migrations say. The migrations table lives in the service's own schema.
 */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  const schema = assertIdentifier(options.schema);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema,
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? schema,
      // A lost server must surface as an error, not as a request that hangs forever.
      connectionTimeoutMillis: 5000,
    },
  });
}

/**
 * Brings the service schema to the latest migration. The schema itself is created first (the
 * migrations table lives inside it); everything in it comes from migrations. Concurrent starts of
 * the same service serialise on an advisory lock so two replicas never run one migration twice.
 */
export async function migrateServiceSchema(dataSource: DataSource): Promise<string[]> {
  const schema = assertIdentifier(String((dataSource.options as { schema?: string }).schema ?? ''));
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    // Only when missing: a runtime role without CREATE on the database then still passes through
    // here (nothing pending, nothing to create) when the migration role did the work beforehand.
    const [exists] = await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (!exists) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
}
