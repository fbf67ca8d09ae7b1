import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { shandanId } from './support/resident-ids';
import {
  api,
  REPO_ROOT,
  ServiceProcess,
  spawnService,
  TEST_KEYS,
  waitFor,
  waitReady,
  writeKeysFile,
  freshDatabase,
} from './support/services';

let dbUrl = '';

// A broker of its own (port 19092), so stopping it disturbs no other test.
const PORT = 19092;
const kafkaSh = path.join(REPO_ROOT, 'tools/kafka/kafka.sh');
const brokerEnv = {
  ...process.env,
  KAFKA_BROKERS: '',
  KAFKA_LOCAL_PORT: String(PORT),
  KAFKA_LOCAL_CONTROLLER_PORT: String(PORT + 1),
  KAFKA_LOCAL_DIR: path.join(REPO_ROOT, '.local/kafka-outage-test'),
  KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
};
const broker = (cmd: 'start' | 'stop') =>
  execFileSync('bash', [kafkaSh, cmd], { env: brokerEnv, stdio: 'inherit' });

describe('Kafka stopped while a service runs', () => {
  let svc: ServiceProcess;
  let db: Client;
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}outage.`;

  beforeAll(async () => {
    dbUrl = await freshDatabase('outage');
    broker('start');
    svc = spawnService('enrollment-service', 14200, {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(),
      KAFKA_BROKERS: `127.0.0.1:${PORT}`,
      KAFKA_TOPIC_PREFIX: prefix,
      OUTBOX_POLL_INTERVAL_MS: '200',
      CLOCK_START: '2023-10-15T10:00:00+08:00',
    });
    await waitReady(svc);
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  });

  afterAll(async () => {
    await svc?.stop();
    await db?.end();
    broker('stop');
  });

  const pending = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM enrollment.outbox WHERE published_at IS NULL`)).rows[0]
      .n as number;
  const register = (n: number) =>
    api(svc.url, 'POST', '/v1/enrollments', TEST_KEYS.mib.key, {
      idNumber: shandanId(n, '19851212'),
      name: `离线${n}`,
      season: 2023,
      regionCode: '620725',
      kind: 'RENEWAL',
    });

  it('turns /health/ready 503, piles outbox rows up, and drains them without a restart once Kafka is back', async () => {
    expect((await register(1)).status).toBe(201);
    await waitFor('first event published', pending, (n) => n === 0);

    broker('stop');
    const notReady = await waitFor(
      'readiness to drop',
      () => api(svc.url, 'GET', '/health/ready'),
      (r) => r.status === 503,
      30_000,
    );
    expect(notReady.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'not ready',
      details: { kafka: false, database: true },
    });
    expect((await api(svc.url, 'GET', '/health/live')).status).toBe(200);

    // The front door keeps working; the events wait in the outbox.
    for (let n = 2; n <= 40; n++) expect((await register(n)).status).toBe(201);
    expect(await pending()).toBe(39);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await pending()).toBe(39);

    broker('start');
    await waitFor('outbox to drain', pending, (n) => n === 0, 90_000);
    await waitFor(
      'ready again',
      () => api(svc.url, 'GET', '/health/ready'),
      (r) => r.status === 200,
      30_000,
    );
    expect(svc.child.exitCode).toBeNull(); // the same process, never restarted

    // Every registration is in Kafka: 40 distinct events.
    const kafka = new Kafka({ brokers: [`127.0.0.1:${PORT}`], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `outage-check-${Date.now()}` });
    const ids = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}enrollment.registered`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void ids.add(JSON.parse(message.value!.toString()).eventId),
    });
    try {
      await waitFor(
        '40 events read back',
        async () => ids.size,
        (n) => n === 40,
        30_000,
      );
    } finally {
      await consumer.disconnect();
    }
  });
});
