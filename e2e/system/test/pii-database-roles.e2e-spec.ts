import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { shandanId } from './support/resident-ids';
import {
  api,
  freshDatabase,
  spawnService,
  ServiceProcess,
  TEST_KEYS,
  waitReady,
  writeKeysFile,
} from './support/services';

/**
 * A role per service (README, "Production: Kafka TLS/SASL and a database role per service"): the
 * schema belongs to an owner role that only migrates (DATABASE_MIGRATION_URL), and the service runs
 * as a runtime role with data rights on that schema only (DATABASE_URL). enrollment-service starts,
 * registers and answers; the runtime role can neither change the schema nor read another one.
 */
describe('per-service database roles: migration role and runtime role', () => {
  const suffix = randomBytes(3).toString('hex');
  const owner = `pii_enrol_owner_${suffix}`;
  const app = `pii_enrol_app_${suffix}`;
  let dbUrl: string;
  let admin: Client;
  let svc: ServiceProcess | undefined;

  const as = (role: string) => {
    const u = new URL(dbUrl);
    u.username = role;
    u.password = '';
    return u.toString();
  };

  beforeAll(async () => {
    dbUrl = await freshDatabase('pii_roles');
    admin = new Client({ connectionString: dbUrl });
    await admin.connect();
    // What the database owner runs once per service (README); here on a database of the test's own.
    await admin.query(`CREATE ROLE ${owner} LOGIN`);
    await admin.query(`CREATE ROLE ${app} LOGIN`);
    await admin.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await admin.query(`CREATE SCHEMA enrollment AUTHORIZATION ${owner}`);
    await admin.query(`GRANT USAGE ON SCHEMA enrollment TO ${app}`);
    await admin.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA enrollment GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    );
    await admin.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA enrollment GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
    );
    // Another service's schema, which the runtime role must not see.
    await admin.query(`CREATE SCHEMA subsidy`);
    await admin.query(`CREATE TABLE subsidy.secret (id_number text)`);
  });

  afterAll(async () => {
    await svc?.stop();
    const db = new URL(dbUrl).pathname.slice(1);
    await admin.end();
    const root = new URL(dbUrl);
    root.pathname = '/postgres';
    const c = new Client({ connectionString: root.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${app}`);
    await c.query(`DROP ROLE IF EXISTS ${owner}`);
    await c.end();
  });

  it('migrates as the owner, serves as the runtime role, and the runtime role cannot alter or wander', async () => {
    svc = spawnService('enrollment-service', 21510, {
      DATABASE_URL: as(app),
      DATABASE_MIGRATION_URL: as(owner),
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX}pii-roles.`,
      CLOCK_START: '2021-10-15T10:00:00+08:00',
    });
    await waitReady(svc, 180_000);
    const id = shandanId(401, '19800101');
    const r = await api(svc.url, 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
      idNumber: id,
      name: '角色',
      season: 2021,
      regionCode: '620725',
      townshipCode: '620725100',
      kind: 'NEW',
    });
    expect(r.status).toBe(201);
    expect((await api(svc.url, 'GET', `/v1/persons/${id}/seasons/2021`, TEST_KEYS.mib.key)).status).toBe(200);

    // The tables belong to the owner; the service's connections ran as the runtime role.
    const tables = await admin.query(
      `SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'enrollment'`,
    );
    expect(tables.rows).toEqual([{ tableowner: owner }]);
    const sessions = await admin.query(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'enrollment-service'`,
    );
    expect(sessions.rows).toEqual([{ usename: app }]);

    const runtime = new Client({ connectionString: as(app) });
    await runtime.connect();
    try {
      expect((await runtime.query(`SELECT count(*)::int AS n FROM enrollment.enrollments`)).rows[0].n).toBe(
        1,
      );
      for (const sql of [
        `DROP TABLE enrollment.enrollments`,
        `ALTER TABLE enrollment.enrollments ADD COLUMN x int`,
        `CREATE TABLE enrollment.extra (x int)`,
        `SELECT * FROM subsidy.secret`,
        `CREATE SCHEMA elsewhere`,
      ])
        await expect(runtime.query(sql)).rejects.toThrow(/permission denied|must be owner/);
    } finally {
      await runtime.end();
    }
  }, 300_000);
});
