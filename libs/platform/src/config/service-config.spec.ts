import { ConfigError, loadServiceEnv } from './service-config';

describe('service configuration', () => {
  it('fills defaults', () => {
    expect(loadServiceEnv({})).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_TOPIC_PREFIX: '',
      KAFKA_PARTITIONS: 6,
      LOG_LEVEL: 'info',
    });
  });

  it('names every bad setting, without echoing values', () => {
    try {
      loadServiceEnv({ KAFKA_PARTITIONS: 'x', PORT: '70000', DATABASE_URL: 'mysql://secret@h/db' });
      fail('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.setting).sort()).toEqual([
        'DATABASE_URL',
        'KAFKA_PARTITIONS',
        'PORT',
      ]);
      expect((e as Error).message).not.toContain('secret');
    }
  });
});
