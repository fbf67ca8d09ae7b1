import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { KafkaSecurity, parseKafkaSecurity } from '@urrbmi/messaging';

/** Settings every service reads from its environment; checked at boot, before anything connects. */
export class ServiceEnv {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /**
   * The role that owns the service's schema, for migrations only (`--migrate-only` and the check at
   * boot); DATABASE_URL is then a runtime role with data rights only. Unset: DATABASE_URL does both.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_MIGRATION_URL must be a postgres:// URL' })
  DATABASE_MIGRATION_URL?: string;

  @IsString()
  @Matches(/^[^\s,]+:\d{1,5}(,[^\s,]+:\d{1,5})*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port...]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString()
  @Matches(/^[a-z0-9._-]{0,40}$/, { message: 'KAFKA_TOPIC_PREFIX may hold only a-z 0-9 . _ - (at most 40)' })
  KAFKA_TOPIC_PREFIX = '';

  /**
   * Consumer groups are named `<KAFKA_GROUP_PREFIX><service>`. Empty means "the topic prefix", so two
   * deployments on one broker (a prefix each) never join each other's groups.
   */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9._-]{1,60}$/, { message: 'KAFKA_GROUP_PREFIX may hold only a-z 0-9 . _ - (1 to 60)' })
  KAFKA_GROUP_PREFIX?: string;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(1000)
  @IsInt({ message: 'KAFKA_PARTITIONS must be an integer' })
  KAFKA_PARTITIONS = 6;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(7)
  @IsInt({ message: 'KAFKA_REPLICATION_FACTOR must be an integer' })
  KAFKA_REPLICATION_FACTOR = 1;

  @IsOptional()
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(65535)
  @IsInt({ message: 'PORT must be an integer' })
  PORT?: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Folder of region-season policy files; the ones bundled in libs/policy/policies by default. */
  @IsOptional()
  @IsString()
  POLICY_DIR?: string;

  /** Start the service clock at this instant (rehearsals and tests only). */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'CLOCK_START must be an ISO-8601 instant with offset',
  })
  CLOCK_START?: string;

  /**
   * `simulation` lets a simulator move the service clock (`PUT /v1/clock`); refused at boot where
   * NODE_ENV=production, as CLOCK_START is.
   */
  @IsIn(['system', 'simulation'], { message: 'CLOCK_MODE must be system or simulation' })
  CLOCK_MODE: 'system' | 'simulation' = 'system';

  /** JSON file of hashed API keys (see README, "API keys"). */
  @IsOptional()
  @IsString()
  API_KEYS_FILE?: string;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(10)
  @Max(60000)
  @IsInt({ message: 'OUTBOX_POLL_INTERVAL_MS must be an integer' })
  OUTBOX_POLL_INTERVAL_MS = 1000;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(100)
  @IsInt({ message: 'DB_POOL_SIZE must be an integer' })
  DB_POOL_SIZE = 10;

  /**
   * How often (ms) the service looks for its tables whose planner statistics have fallen behind
   * and analyses them (`StatisticsKeeper`); 0 leaves that to autovacuum alone.
   */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(0)
  @Max(3_600_000)
  @IsInt({ message: 'DB_ANALYZE_INTERVAL_MS must be an integer (0 turns it off)' })
  DB_ANALYZE_INTERVAL_MS = 10_000;

  /** Largest JSON request body; a larger one is refused with 413 before it is parsed. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1024)
  @Max(64 * 1024 * 1024)
  @IsInt({ message: 'JSON_BODY_MAX_BYTES must be an integer (bytes)' })
  JSON_BODY_MAX_BYTES = 1024 * 1024;

  /** File uploads (CSV/XLSX bodies) one key holder may start per minute; more get 429. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(100000)
  @IsInt({ message: 'UPLOAD_RATE_LIMIT_PER_MINUTE must be an integer' })
  UPLOAD_RATE_LIMIT_PER_MINUTE = 60;

  /** Outbox rows the relay sends per Kafka request. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(20000)
  @IsInt({ message: 'OUTBOX_BATCH_SIZE must be an integer' })
  OUTBOX_BATCH_SIZE = 1000;

  /** `retention.ms` (days) of event topics created at start: a season and its refunds, for replay. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(3650)
  @IsInt({ message: 'KAFKA_RETENTION_DAYS must be an integer' })
  KAFKA_RETENTION_DAYS = 400;

  /** `retention.ms` (days) of `<topic>.dlq` topics created at start. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(3650)
  @IsInt({ message: 'KAFKA_DLQ_RETENTION_DAYS must be an integer' })
  KAFKA_DLQ_RETENTION_DAYS = 30;

  /** Largest event the outbox relay sends; a larger row is set aside (keep <= broker message.max.bytes). */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1024)
  @Max(100_000_000)
  @IsInt({ message: 'KAFKA_MAX_MESSAGE_BYTES must be an integer' })
  KAFKA_MAX_MESSAGE_BYTES = 1_000_000;

  /** Inbox rows (ids of handled events) are kept this many days, then deleted. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @Min(1)
  @Max(3650)
  @IsInt({ message: 'INBOX_RETENTION_DAYS must be an integer' })
  INBOX_RETENTION_DAYS = 14;

  /** TLS and SASL towards the brokers, from KAFKA_SSL* and KAFKA_SASL_* (checked with the rest). */
  kafkaSecurity: KafkaSecurity = {};
}

export class ConfigError extends Error {
  constructor(readonly problems: { setting: string; problem: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.setting}: ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws a ConfigError naming every bad setting. */
export function loadServiceEnv(env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  const known = Object.keys(new ServiceEnv())
    .filter((k) => k !== 'kafkaSecurity')
    .concat([
      'DATABASE_URL',
      'DATABASE_MIGRATION_URL',
      'PORT',
      'API_KEYS_FILE',
      'POLICY_DIR',
      'CLOCK_START',
      'KAFKA_GROUP_PREFIX',
    ]);
  const plain: Record<string, string> = {};
  for (const k of known) {
    const v = env[k];
    if (v !== undefined && v !== '') plain[k] = v;
  }
  if (env.KAFKA_TOPIC_PREFIX === '') plain.KAFKA_TOPIC_PREFIX = '';
  const cfg = plainToInstance(ServiceEnv, plain, { exposeDefaultValues: true });
  const errors = validateSync(cfg, { whitelist: true, stopAtFirstError: true });
  const kafka = parseKafkaSecurity(env);
  const problems = errors
    .map((e) => ({ setting: e.property, problem: Object.values(e.constraints ?? {}).join(', ') }))
    .concat(kafka.problems);
  problems.push(...productionClockProblems(cfg, env));
  if (problems.length > 0) throw new ConfigError(problems);
  cfg.kafkaSecurity = kafka.security;
  return cfg;
}

/**
 * A production deployment (NODE_ENV=production, as the image sets) runs on the system clock only:
 * a simulation clock or a shifted start there would stamp real payments with invented dates.
 */
function productionClockProblems(
  cfg: ServiceEnv,
  env: NodeJS.ProcessEnv,
): { setting: string; problem: string }[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: { setting: string; problem: string }[] = [];
  if (cfg.CLOCK_MODE === 'simulation')
    problems.push({
      setting: 'CLOCK_MODE',
      problem: 'CLOCK_MODE=simulation is refused where NODE_ENV=production',
    });
  if (cfg.CLOCK_START)
    problems.push({ setting: 'CLOCK_START', problem: 'CLOCK_START is refused where NODE_ENV=production' });
  return problems;
}

/** The consumer group of a service in this deployment (see KAFKA_GROUP_PREFIX). */
export function consumerGroupId(
  config: Pick<ServiceEnv, 'KAFKA_GROUP_PREFIX' | 'KAFKA_TOPIC_PREFIX'>,
  service: string,
): string {
  return `${config.KAFKA_GROUP_PREFIX ?? config.KAFKA_TOPIC_PREFIX}${service}`;
}

/**
 * A setting of one service only (not in ServiceEnv): read, checked against `pattern`, or the default.
 * A bad value stops the service at boot with a ConfigError naming it.
 */
export function serviceSetting(
  name: string,
  pattern: RegExp,
  fallback: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!pattern.test(v)) throw new ConfigError([{ setting: name, problem: `${name} must match ${pattern}` }]);
  return v;
}
