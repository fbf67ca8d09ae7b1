// Starts (or reuses) the real parts every integration test needs, once per `jest` run:
// Postgres (a fresh *_test database) and a Kafka broker (tools/kafka/kafka.sh, or KAFKA_BROKERS).
const { execFileSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const root = path.resolve(__dirname, '../..');
const DEFAULT_TEST_DB = 'postgres://postgres@127.0.0.1:5432/urrbmi_test';

async function recreate(url) {
  const name = new URL(url).pathname.slice(1);
  if (!/_test$/.test(name)) throw new Error(`TEST_DATABASE_URL must name a *_test database, got ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
}

/**
 * Where a Docker engine answers (or URRBMI_TESTCONTAINERS=1), the official images are started with
 * testcontainers instead of the local server and the Maven-built broker. These machines have no
 * engine, so the local path is the one CI takes; this one is kept for machines that do.
 */
function dockerEngineAnswers() {
  if (process.env.URRBMI_TESTCONTAINERS === '0') return false;
  if (process.env.URRBMI_TESTCONTAINERS === '1') return true;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers() {
  const { PostgreSqlContainer } = require('@testcontainers/postgresql');
  const { KafkaContainer } = require('@testcontainers/kafka');
  const pg = await new PostgreSqlContainer('postgres:15')
    .withDatabase('urrbmi_test')
    .withUsername('postgres')
    .withPassword('postgres')
    .start();
  // The testcontainers Kafka module drives Confluent's image (cp-kafka 7.9 = Apache Kafka 3.9, KRaft).
  const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
  globalThis.__urrbmiContainers = [pg, kafka];
  process.env.TEST_DATABASE_URL = pg.getConnectionUri();
  process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
}

module.exports = async () => {
  if (globalThis.__urrbmiTestEnv) return; // jest runs globalSetup once per project
  const started = Date.now();
  if (!process.env.KAFKA_BROKERS && !process.env.TEST_DATABASE_URL && dockerEngineAnswers())
    await startContainers();
  execFileSync('bash', [path.join(root, 'tools/lib/ensure-postgres.sh')], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' },
  });
  const dbUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DB;
  await recreate(dbUrl);

  let startedKafka = false;
  if (!process.env.KAFKA_BROKERS) {
    const kafkaSh = path.join(root, 'tools/kafka/kafka.sh');
    let before = '';
    try {
      before = execFileSync('bash', [kafkaSh, 'status'], { encoding: 'utf8' });
    } catch (e) {
      before = String(e.stdout ?? '');
    }
    execFileSync('bash', [kafkaSh, 'start'], { stdio: 'inherit' });
    startedKafka = /stopped/.test(before);
    process.env.KAFKA_BROKERS = '127.0.0.1:9092';
  }
  process.env.DATABASE_URL = dbUrl;
  // Every run gets its own topic namespace, so a broker reused from `npm start` leaks nothing in.
  process.env.KAFKA_TOPIC_PREFIX = `test${Date.now().toString(36)}.`;
  // Every test file provisions the whole contract under its own prefix: three partitions each keep a
  // full run within the file handles one local broker may hold (each partition keeps its log open).
  process.env.KAFKA_PARTITIONS ??= '3';
  process.env.URRBMI_STARTED_KAFKA = startedKafka ? '1' : '';
  // Where e2e tests write down the responses they observe (checked against docs/openapi at teardown).
  process.env.URRBMI_HTTP_OBSERVED_DIR = mkdtempSync(path.join(tmpdir(), 'urrbmi-http-observed-'));
  globalThis.__urrbmiTestEnv = true;
  console.log(
    `\n[test] Postgres ${dbUrl.replace(/\/\/[^@]*@/, '//')} and Kafka ${process.env.KAFKA_BROKERS} ready in ${Date.now() - started} ms`,
  );
};
