import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { ConfigError } from '../src/config/service-config';
import { migrateServiceOnly, ServiceDefinition } from '../src/service-kernel';

const schema = `migrate_only_${Date.now().toString(36)}`;

class CreateGreetingTable1700000000000 implements MigrationInterface {
  name = 'CreateGreetingTable1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${schema}".greeting (id int PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schema}".greeting`);
  }
}
const definition: ServiceDefinition = {
  name: 'refund-service',
  title: 'migrate-only fixture',
  description: 'a service definition with one migration of its own',
  defaultPort: 1,
  schema,
  migrations: [CreateGreetingTable1700000000000],
  imports: [],
};

describe('migrateServiceOnly (the one-shot migration step of a deployment)', () => {
  const env = { DATABASE_URL: process.env.DATABASE_URL, KAFKA_BROKERS: '127.0.0.1:1' };
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  it('creates the schema with the messaging tables and the service migrations, needing no broker', async () => {
    // KAFKA_BROKERS points at a closed port: nothing but Postgres is touched.
    const applied = await migrateServiceOnly(definition, env);
    expect(applied).toContain('CreateGreetingTable1700000000000');
    expect(applied.length).toBeGreaterThanOrEqual(2); // the outbox/inbox tables come first
    const tables = await db.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['greeting', 'outbox', 'inbox', 'migrations']),
    );
  });

  it('applies nothing the second time', async () => {
    await expect(migrateServiceOnly(definition, env)).resolves.toEqual([]);
  });

  it('stops on a bad setting before connecting, naming it', async () => {
    await expect(migrateServiceOnly(definition, { ...env, DATABASE_URL: 'mysql://x' })).rejects.toThrow(
      ConfigError,
    );
    await expect(migrateServiceOnly(definition, { ...env, DATABASE_URL: 'mysql://x' })).rejects.toThrow(
      'DATABASE_URL: DATABASE_URL must be a postgres:// URL',
    );
  });
});
