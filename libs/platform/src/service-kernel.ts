import 'reflect-metadata';
import { DynamicModule, Global, INestApplication, Module, Type } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ThrottlerModule } from '@nestjs/throttler';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DataSource, MigrationInterface } from 'typeorm';
import { contractCatalog, EventCatalog, FileKind, ServiceName } from '@urrbmi/contracts';
import { maskResidentIdsInText } from '@urrbmi/domain';
import {
  BatchKafkaTransport,
  ConsumerTuning,
  EventBackbone,
  messagingMigrations,
  MessagingMetrics,
  OutboxWriter,
} from '@urrbmi/messaging';
import {
  createServiceDataSource,
  databaseUrlFromEnv,
  migrateServiceSchema,
  varcharCodesMigration,
  StatisticsKeeper,
} from '@urrbmi/persistence';
import { loadPolicies, PolicyError, PolicyRegistry } from '@urrbmi/policy';
import { personReadsMigration } from './audit/person-reads.migration';
import { PersonReadsController } from './audit/person-reads.controller';
import { PersonReadsRepository } from './audit/person-reads.repository';
import { ListPersonReadsHandler, RecordPersonReadsHandler } from './audit/person-reads.use-cases';
import { ApiKeyGuard } from './auth/api-key.guard';
import { Clock } from './clock/clock';
import { MoveClockHandler, SimulationClockController } from './clock/simulation-clock.controller';
import { ApiKeyRegistry } from './auth/api-key-registry';
import { ConfigError, consumerGroupId, loadServiceEnv, ServiceEnv } from './config/service-config';
import { loadAllSettings, SettingsClass } from './config/service-settings';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { HealthController } from './health/health.controller';
import { CompiledValidationPipe } from './http/compiled-validation.pipe';
import { applyHttpHygiene } from './http/http-hygiene';
import { HttpMetrics } from './http/http-metrics';
import { templatesController } from './http/templates.controller';
import { UploadThrottlerGuard } from './http/upload-throttler.guard';
import { MetricsController } from './health/metrics.controller';
import { ReadinessProbe } from './health/readiness';
import { StructuredLogger } from './logging/structured-logger';
import { completeOpenApiDocument, openApiHeader } from './openapi/openapi-document';

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

export interface ServiceDefinition {
  name: ServiceName;
  title: string;
  description: string;
  defaultPort: number;
  /** The Postgres schema this service owns. */
  schema: string;
  /** The service's own migrations; the messaging tables (outbox, inbox) come first automatically. */
  migrations: (new () => MigrationInterface)[];
  /** The service's feature modules. */
  imports: ModuleImport[];
  /** Event catalog; the whole contract by default. */
  catalog?: EventCatalog;
  /** Uploads this service takes: each gets `GET /v1/templates/{kind}`. */
  fileKinds?: readonly FileKind[];
  /**
   * The service's own settings (see `SettingsClass`): read and validated at boot with the common
   * ones, before anything connects, and injectable by their class.
   */
  settings?: readonly SettingsClass[];
  /**
   * How the service's consumer group reads and applies (the defaults: inbox on, batches of 1,000,
   * one partition at a time). Only a service whose every handler is idempotent by itself may turn
   * the inbox off, and only one whose handlers do not depend on order across partitions may apply
   * several partitions at once.
   */
  consumerTuning?: ConsumerTuning;
}

export interface RunningService {
  app: INestApplication;
  url: string;
  config: ServiceEnv;
  dataSource: DataSource;
  backbone: EventBackbone;
  logger: StructuredLogger;
  close(): Promise<void>;
}

@Global()
@Module({})
class ServiceCoreModule {
  static create(values: {
    config: ServiceEnv;
    dataSource: DataSource;
    backbone: EventBackbone;
    registry: Registry;
    logger: StructuredLogger;
    keys: ApiKeyRegistry;
    policies: PolicyRegistry;
    clock: Clock;
    httpMetrics: HttpMetrics;
    schema: string;
    settings: object[];
  }): DynamicModule {
    const probe = new ReadinessProbe(values.dataSource, values.backbone);
    const personReads = new PersonReadsRepository(values.dataSource, values.schema);
    const recordReads = new RecordPersonReadsHandler(personReads);
    const providers = [
      { provide: ServiceEnv, useValue: values.config },
      { provide: DataSource, useValue: values.dataSource },
      { provide: EventBackbone, useValue: values.backbone },
      { provide: OutboxWriter, useValue: values.backbone.outbox },
      { provide: Registry, useValue: values.registry },
      { provide: StructuredLogger, useValue: values.logger },
      { provide: ApiKeyRegistry, useValue: values.keys },
      { provide: PolicyRegistry, useValue: values.policies },
      { provide: Clock, useValue: values.clock },
      { provide: ReadinessProbe, useValue: probe },
      { provide: HttpMetrics, useValue: values.httpMetrics },
      { provide: PersonReadsRepository, useValue: personReads },
      { provide: RecordPersonReadsHandler, useValue: recordReads },
      { provide: ListPersonReadsHandler, useValue: new ListPersonReadsHandler(personReads) },
      ...values.settings.map((s) => ({ provide: s.constructor, useValue: s })),
      // Guards run in this order: the key first, so the upload limit is counted per holder.
      { provide: APP_GUARD, useClass: ApiKeyGuard },
      { provide: APP_GUARD, useClass: UploadThrottlerGuard },
    ];
    return {
      module: ServiceCoreModule,
      imports: [
        ThrottlerModule.forRoot({
          // The one throttler is the 'default' one so that a 429 carries the standard `Retry-After`
          // (a named throttler's header is `Retry-After-<name>`, which clients do not read).
          throttlers: [{ ttl: 60_000, limit: values.config.UPLOAD_RATE_LIMIT_PER_MINUTE }],
        }),
      ],
      // The clock control route exists only on a simulation clock.
      controllers: [
        HealthController,
        MetricsController,
        PersonReadsController,
        ...(values.clock.mode === 'simulation' ? [SimulationClockController] : []),
      ],
      providers: [...providers, ...(values.clock.mode === 'simulation' ? [MoveClockHandler] : [])],
      exports: providers.filter((p) => p.provide !== APP_GUARD).map((p) => p.provide),
    };
  }
}

type CoreValues = Parameters<typeof ServiceCoreModule.create>[0];

/** The service's root module: the core (config, database, backbone, guards) and its feature modules. */
function serviceAppModule(def: ServiceDefinition, core: CoreValues): Type<unknown> {
  @Module({
    imports: [ServiceCoreModule.create(core), ...def.imports],
    controllers: def.fileKinds?.length ? [templatesController(def.fileKinds)] : [],
  })
  class AppModule {}
  return AppModule;
}

function serviceOpenApiDocument(app: INestApplication, def: ServiceDefinition): OpenAPIObject {
  return completeOpenApiDocument(
    SwaggerModule.createDocument(app, openApiHeader(def.title, def.description)),
  );
}

/**
 * The service's OpenAPI document, as `/docs-json` serves it, made without a database, Kafka or a
 * port: Nest scans the modules in preview mode (nothing is instantiated), so `npm run
 * contract:openapi` can write every service's contract from its definition alone.
 */
export async function buildOpenApiDocument(def: ServiceDefinition): Promise<OpenAPIObject> {
  const config = Object.assign(new ServiceEnv(), { UPLOAD_RATE_LIMIT_PER_MINUTE: 60 });
  // Preview mode resolves the module graph without creating a provider: these values are never read.
  const unused = {} as never;
  const AppModule = serviceAppModule(def, {
    config,
    dataSource: unused,
    backbone: unused,
    registry: unused,
    logger: unused,
    keys: unused,
    policies: unused,
    // Documented as in simulation mode, so the simulation-only clock route is in the contract too.
    clock: { mode: 'simulation' } as never,
    httpMetrics: unused,
    schema: def.schema,
    // Defaults: the document does not depend on the deployment's values.
    settings: loadAllSettings(def.settings ?? [], {}),
  });
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  try {
    return serviceOpenApiDocument(app, def);
  } finally {
    await app.close();
  }
}

function serviceDataSource(
  def: ServiceDefinition,
  databaseUrl: string,
  poolSize: number,
  applicationName: string,
): DataSource {
  return createServiceDataSource({
    url: databaseUrl,
    schema: def.schema,
    migrations: [
      ...messagingMigrations(def.schema),
      ...def.migrations,
      personReadsMigration(def.schema),
      varcharCodesMigration(
        def.schema,
        { person_reads: { id_number: 18 } },
        'PersonReadsVarchar1764700001000',
      ),
    ],
    poolSize,
    applicationName,
  });
}

/**
 * Brings the service's schema to its latest migration and returns the names applied, touching
 * nothing else (no Kafka, no HTTP): the one-shot migration step of a deployment (a compose service,
 * a Kubernetes Job) run before the new version's instances start. Settings are checked first, as at
 * boot. Services still migrate at boot too; that is then a no-op under the same advisory lock.
 */
export async function migrateServiceOnly(
  def: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const config = loadServiceEnv(env);
  loadAllSettings(def.settings ?? [], env);
  const dataSource = serviceDataSource(
    def,
    config.DATABASE_MIGRATION_URL ?? databaseUrlFromEnv(env),
    2, // one holds the migration lock, one runs the migrations
    `${def.name}-migrate`,
  );
  await dataSource.initialize();
  try {
    return await migrateServiceSchema(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** The command-line flag of `main.ts` that migrates the schema and exits (see migrateServiceOnly). */
export const MIGRATE_ONLY_FLAG = '--migrate-only';

/**
 * Boots one service: validated config, migrated schema, topics, outbox relay, batch consumers
 * (handlers are the service's @EventPattern methods), HTTP with auth, errors, health, metrics and
 * OpenAPI at /docs. Throws ConfigError before connecting to anything when a setting is bad.
 */
export async function startService(
  def: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService> {
  const config = loadServiceEnv(env);
  const settings = loadAllSettings(def.settings ?? [], env);
  const logger = new StructuredLogger(def.name, config.LOG_LEVEL);
  const keys = ApiKeyRegistry.fromFile(config.API_KEYS_FILE);
  // A wrong policy file stops the service here, naming the file and the field.
  const policies = new PolicyRegistry(loadPolicies(config.POLICY_DIR));
  logger.info('policies loaded', { policies: policies.ids() });
  const clock = new Clock(config.CLOCK_START, config.CLOCK_MODE);
  if (clock.shifted)
    logger.warn('service clock shifted by CLOCK_START or CLOCK_MODE=simulation: not for production', {
      now: clock.now().toISOString(),
      mode: clock.mode,
    });
  if (keys.size === 0)
    logger.warn('no API keys configured (API_KEYS_FILE): every /v1 request will be refused');

  const databaseUrl = databaseUrlFromEnv(env);
  // With a migration role of its own (DATABASE_MIGRATION_URL), the schema is brought up to date
  // through it; the service's pool then runs as the runtime role, which cannot change the schema.
  const migratedApart = config.DATABASE_MIGRATION_URL ? await migrateServiceOnly(def, env) : undefined;
  const dataSource = serviceDataSource(def, databaseUrl, config.DB_POOL_SIZE, def.name);
  await dataSource.initialize();
  const applied = migratedApart ?? (await migrateServiceSchema(dataSource));
  logger.info('schema migrated', { schema: def.schema, applied });

  const registry = new Registry();
  registry.setDefaultLabels({ service: def.name });
  collectDefaultMetrics({ register: registry });
  const httpMetrics = new HttpMetrics(registry);
  const backbone = new EventBackbone({
    service: def.name,
    schema: def.schema,
    databaseUrl,
    dataSource,
    settings: {
      brokers: config.KAFKA_BROKERS.split(','),
      clientId: def.name,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      partitions: config.KAFKA_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      retentionDays: config.KAFKA_RETENTION_DAYS,
      deadLetterRetentionDays: config.KAFKA_DLQ_RETENTION_DAYS,
      security: config.kafkaSecurity,
    },
    catalog: def.catalog ?? contractCatalog(),
    metrics: new MessagingMetrics(registry),
    logger,
    relayPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    relayBatchSize: config.OUTBOX_BATCH_SIZE,
    maxMessageBytes: config.KAFKA_MAX_MESSAGE_BYTES,
    inboxRetentionDays: config.INBOX_RETENTION_DAYS,
  });
  await backbone.start();
  const statistics = new StatisticsKeeper({
    dataSource,
    schema: def.schema,
    intervalMs: config.DB_ANALYZE_INTERVAL_MS,
    logger,
  });
  statistics.start();

  const AppModule = serviceAppModule(def, {
    config,
    dataSource,
    backbone,
    registry,
    logger,
    keys,
    policies,
    clock,
    httpMetrics,
    schema: def.schema,
    settings,
  });
  const app = await NestFactory.create(AppModule, { logger, bufferLogs: false });
  applyHttpHygiene(app, { jsonBodyMaxBytes: config.JSON_BODY_MAX_BYTES, logger, metrics: httpMetrics });
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.useGlobalPipes(new CompiledValidationPipe());
  SwaggerModule.setup('docs', app, () => serviceOpenApiDocument(app, def));

  app.connectMicroservice(
    { strategy: new BatchKafkaTransport(backbone, consumerGroupId(config, def.name), def.consumerTuning) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  const port = config.PORT ?? def.defaultPort;
  await app.listen(port, '0.0.0.0');
  const url = `http://127.0.0.1:${port}`;
  logger.info('service ready', { url, docs: `${url}/docs` });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await statistics.stop();
      await backbone.stop();
      await dataSource.destroy();
      logger.flush();
    })());
  return { app, url, config, dataSource, backbone, logger, close };
}

/**
 * `main.ts` of every service: start, stop cleanly on SIGINT/SIGTERM, exit 1 naming a bad setting.
 * With `--migrate-only`: migrate the schema, print what was applied, exit 0 (1 on failure).
 */
export function runService(def: ServiceDefinition, argv: readonly string[] = process.argv): void {
  // A background task whose promise nobody awaited (a retry loop, a resume at boot) must never take
  // the whole service down: every such path handles its own failure, and this is the last net.
  process.on('unhandledRejection', (reason: unknown) => {
    console.error(
      JSON.stringify({
        level: 'error',
        service: def.name,
        msg: 'unhandled promise rejection (kept running)',
        error: maskResidentIdsInText(String((reason as Error)?.stack ?? reason)),
      }),
    );
  });
  if (argv.includes(MIGRATE_ONLY_FLAG)) {
    migrateServiceOnly(def).then(
      (applied) => {
        // A synchronous destination: the line must be written before the process exits.
        const logger = new StructuredLogger(
          def.name,
          loadServiceEnv().LOG_LEVEL,
          pino.destination({ dest: 1, sync: true }),
        );
        logger.info('schema migrated; exiting (--migrate-only)', { schema: def.schema, applied });
        process.exit(0);
      },
      (e: unknown) => failedToStart(def, e),
    );
    return;
  }
  startService(def)
    .then((svc) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
          svc.logger.info('stopping', { signal: sig });
          svc.close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        });
      }
    })
    .catch((e: unknown) => failedToStart(def, e));
}

function failedToStart(def: ServiceDefinition, e: unknown): never {
  if (e instanceof ConfigError || e instanceof PolicyError) {
    console.error(`[${def.name}] ${e.message}`);
  } else {
    console.error(`[${def.name}] failed to start: ${(e as Error)?.stack ?? e}`);
  }
  process.exit(1);
}
