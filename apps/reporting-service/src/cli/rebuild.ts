/**
 * `node -r @swc-node/register apps/reporting-service/src/cli/rebuild.ts` (npm run reporting:rebuild):
 * drops the reporting projections and replays every topic from its beginning. Reads the service's
 * settings (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_GROUP_PREFIX). See the README,
 * "Rebuild".
 */
import 'reflect-metadata';
import { contractCatalog } from '@urrbmi/contracts';
import { EventBackbone, messagingMigrations } from '@urrbmi/messaging';
import { createServiceDataSource, databaseUrlFromEnv, migrateServiceSchema } from '@urrbmi/persistence';
import { consumerGroupId, loadServiceEnv, StructuredLogger } from '@urrbmi/platform';
import { ProjectEventsHandler } from '../projections/project-events.handler';
import { ProjectionRepository } from '../projections/projection.repository';
import { RebuildProjectionsCommand } from '../rebuild/rebuild-projections.command';
import { RebuildProjectionsHandler } from '../rebuild/rebuild-projections.handler';
import { RebuildRepository } from '../rebuild/rebuild.repository';
import { reportingService } from '../reporting-service.definition';
import { createCommand } from '@urrbmi/platform';

async function main(): Promise<void> {
  const config = loadServiceEnv(process.env);
  const logger = new StructuredLogger('reporting-rebuild', config.LOG_LEVEL);
  const databaseUrl = databaseUrlFromEnv(process.env);
  const dataSource = createServiceDataSource({
    url: databaseUrl,
    schema: reportingService.schema,
    migrations: [...messagingMigrations(reportingService.schema), ...reportingService.migrations],
    applicationName: 'reporting-rebuild',
  });
  await dataSource.initialize();
  await migrateServiceSchema(dataSource);
  const backbone = new EventBackbone({
    service: reportingService.name,
    schema: reportingService.schema,
    databaseUrl,
    dataSource,
    settings: {
      brokers: config.KAFKA_BROKERS.split(','),
      clientId: 'reporting-rebuild',
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      partitions: config.KAFKA_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      security: config.kafkaSecurity,
    },
    catalog: contractCatalog(),
    logger,
  });
  const projections = new ProjectionRepository();
  const handler = new RebuildProjectionsHandler(
    dataSource,
    backbone,
    projections,
    new ProjectEventsHandler(projections),
    new RebuildRepository(dataSource),
  );
  try {
    // As at every service start: a topic nobody has created yet is created empty, so it replays as empty.
    await backbone.provisionTopics();
    const groupId = `${consumerGroupId(config, reportingService.name)}.rebuild-${Date.now()}`;
    const result = await handler.execute(createCommand(RebuildProjectionsCommand, { groupId }));
    console.log(`rebuild finished: ${JSON.stringify(result)}`);
  } finally {
    await backbone.stop();
    await dataSource.destroy();
    logger.flush();
  }
}

main().catch((e: unknown) => {
  console.error(`[reporting-rebuild] ${(e as Error)?.stack ?? e}`);
  process.exit(1);
});
