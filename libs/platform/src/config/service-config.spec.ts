import { ConfigError, consumerGroupId, loadServiceEnv } from './service-config';

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

  it('names consumer groups after the deployment: the group prefix, else the topic prefix', () => {
    expect(consumerGroupId(loadServiceEnv({}), 'subsidy-service')).toBe('subsidy-service');
    expect(consumerGroupId(loadServiceEnv({ KAFKA_TOPIC_PREFIX: 'zhuji.' }), 'subsidy-service')).toBe(
      'zhuji.subsidy-service',
    );
    expect(
      consumerGroupId(
        loadServiceEnv({ KAFKA_TOPIC_PREFIX: 'zhuji.', KAFKA_GROUP_PREFIX: 'blue.' }),
        'subsidy-service',
      ),
    ).toBe('blue.subsidy-service');
    expect(() => loadServiceEnv({ KAFKA_GROUP_PREFIX: 'Has Spaces' })).toThrow('KAFKA_GROUP_PREFIX');
  });

  it('reads the HTTP limits as numbers and refuses values that are not', () => {
    expect(loadServiceEnv({ JSON_BODY_MAX_BYTES: '2048', UPLOAD_RATE_LIMIT_PER_MINUTE: '5' })).toMatchObject({
      JSON_BODY_MAX_BYTES: 2048,
      UPLOAD_RATE_LIMIT_PER_MINUTE: 5,
    });
    expect(() => loadServiceEnv({ JSON_BODY_MAX_BYTES: '512MB' })).toThrow('JSON_BODY_MAX_BYTES');
  });
  it('checks the Kafka TLS/SASL settings and the migration role with the rest, naming them', () => {
    try {
      loadServiceEnv({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'enrollment-service',
        KAFKA_SASL_PASSWORD: 'very-secret',
        DATABASE_MIGRATION_URL: 'mysql://owner:secret@h/db',
      });
      fail('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.setting).sort()).toEqual([
        'DATABASE_MIGRATION_URL',
        'KAFKA_SASL_MECHANISM',
      ]);
      expect((e as Error).message).not.toMatch(/secret/);
    }
    const ok = loadServiceEnv({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'enrollment-service',
      KAFKA_SASL_PASSWORD: 'pw',
      DATABASE_MIGRATION_URL: 'postgres://enrollment_owner@db/urrbmi',
    });
    expect(ok.kafkaSecurity).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'enrollment-service', password: 'pw' },
    });
    expect(ok.DATABASE_MIGRATION_URL).toBe('postgres://enrollment_owner@db/urrbmi');
    expect(loadServiceEnv({}).kafkaSecurity).toEqual({});
  });

  it('takes a simulation clock only outside production, and no shifted start in production', () => {
    expect(loadServiceEnv({}).CLOCK_MODE).toBe('system');
    expect(loadServiceEnv({ CLOCK_MODE: 'simulation' }).CLOCK_MODE).toBe('simulation');
    expect(() => loadServiceEnv({ CLOCK_MODE: 'fast' })).toThrow('CLOCK_MODE must be system or simulation');
    expect(() => loadServiceEnv({ NODE_ENV: 'production', CLOCK_MODE: 'simulation' })).toThrow(
      'CLOCK_MODE: CLOCK_MODE=simulation is refused where NODE_ENV=production',
    );
    expect(() =>
      loadServiceEnv({ NODE_ENV: 'production', CLOCK_START: '2023-10-15T10:00:00+08:00' }),
    ).toThrow('CLOCK_START: CLOCK_START is refused where NODE_ENV=production');
    expect(loadServiceEnv({ NODE_ENV: 'production' }).CLOCK_MODE).toBe('system');
  });
});
