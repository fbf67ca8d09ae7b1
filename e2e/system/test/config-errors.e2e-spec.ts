import { spawnService } from './support/services';

describe('a missing or invalid setting', () => {
  it.each([
    ['KAFKA_PARTITIONS', 'many', 'KAFKA_PARTITIONS: KAFKA_PARTITIONS must be an integer'],
    ['KAFKA_BROKERS', 'localhost', 'KAFKA_BROKERS: KAFKA_BROKERS must be host:port[,host:port...]'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: DATABASE_URL must be a postgres:// URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: LOG_LEVEL must be one of the following values'],
  ])('stops the service at boot when %s=%s, naming it', async (setting, value, expected) => {
    const svc = spawnService('refund-service', 14300, { [setting]: value });
    const code = await new Promise<number | null>((resolve) => svc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(svc.output()).toContain(`[refund-service] invalid configuration: ${expected}`);
  });
});
