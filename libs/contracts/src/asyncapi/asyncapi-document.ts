// Nested payload classes are named by class-transformer's @Type, kept in its metadata storage.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { EventCatalog } from '../catalog';
import { EventDefinition } from '../envelope';
import { ALL_TOPICS, deadLetterTopicOf, ServiceName } from '../topics';

/**
 * The event contract as an AsyncAPI 3.0 document, built from the same payload classes the services
 * validate with, so the published contract cannot drift from what producers and consumers accept.
 * Not exported from the library's index: it needs class-validator-jsonschema, a build-time tool.
 */
export interface AsyncApiOptions {
  version: string;
  /** Broker shown as the document's server (a deployment's own, or the local default). */
  brokers?: string;
}

type Schema = Record<string, unknown>;

const RESIDENT_ID_SCHEMA = {
  type: 'string',
  pattern: '^\\d{17}[\\dX]$',
  description: 'Resident ID number (GB 11643): 18 characters, the last a check digit (0-9 or X)',
};

/** Which service publishes a topic follows from its first segment (ARCHITECTURE.md, "Services"). */
const PRODUCER_BY_PREFIX: Record<string, ServiceName> = {
  enrollment: 'enrollment-service',
  subsidy: 'subsidy-service',
  payment: 'tax-collection-feed-service',
  feed: 'tax-collection-feed-service',
  refund: 'refund-service',
  report: 'reporting-service',
};

export function producerOf(topic: string): ServiceName {
  const producer = PRODUCER_BY_PREFIX[topic.split('.')[0]];
  if (!producer) throw new Error(`no producer known for topic ${topic}`);
  return producer;
}

function customConstraintName(meta: ValidationMetadata): string | undefined {
  const [constraint] = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls);
  return constraint?.name;
}

function payloadSchemas(): Record<string, Schema> {
  return validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      // The library types min/max as `number`, which would hide IsInt's `integer`: money is integer fen.
      [ValidationTypes.CUSTOM_VALIDATION]: (meta: ValidationMetadata) =>
        customConstraintName(meta) === 'isResidentId' ? RESIDENT_ID_SCHEMA : {},
      min: (meta: ValidationMetadata) => ({ minimum: meta.constraints[0] }),
      max: (meta: ValidationMetadata) => ({ maximum: meta.constraints[0] }),
    },
  }) as Record<string, Schema>;
}

function referencedSchemas(schemas: Record<string, Schema>): string[] {
  const text = JSON.stringify(schemas);
  return [...text.matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
}

function camel(topic: string): string {
  return topic.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
}

function messageId(def: EventDefinition<object>): string {
  return `${camel(def.type)}V${def.version}`;
}

function envelopeSchema(def: EventDefinition<object>, envelope: Schema): Schema {
  const properties = { ...(envelope.properties as Record<string, Schema>) };
  properties.type = { type: 'string', const: def.type };
  properties.version = { type: 'integer', const: def.version };
  properties.payload = { $ref: `#/components/schemas/${def.payloadClass.name}` };
  return { ...envelope, properties, additionalProperties: false };
}

export function buildAsyncApiDocument(
  catalog: EventCatalog,
  options: AsyncApiOptions,
): Record<string, unknown> {
  const all = payloadSchemas();
  const defs = catalog.definitions();
  const schemas: Record<string, Schema> = {};
  for (const def of defs) {
    schemas[def.payloadClass.name] = { ...all[def.payloadClass.name], additionalProperties: false };
  }
  // Classes the payloads nest (e.g. a plan's total lines) are referenced by name: include them too.
  for (const name of referencedSchemas(schemas)) if (!schemas[name] && all[name]) schemas[name] = all[name];

  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of ALL_TOPICS) {
    const versions = defs.filter((d) => d.type === topic);
    const channelId = camel(topic);
    const channelMessages: Record<string, unknown> = {};
    for (const def of versions) {
      const id = messageId(def);
      messages[id] = {
        name: id,
        title: `${def.type} v${def.version}`,
        contentType: 'application/json',
        payload: envelopeSchema(def, all.EventEnvelope),
        bindings: {
          kafka: {
            key: {
              type: 'string',
              description: topic.startsWith('feed.')
                ? 'the batch it concerns (feed id, or region:date for feed.late)'
                : "the resident ID number, so one person's events keep their order",
            },
          },
        },
      };
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    const producer = producerOf(topic);
    channels[channelId] = {
      address: topic,
      title: topic,
      description:
        (versions.length === 0 ? 'Provisioned; no payload version is defined yet. ' : '') +
        `Published by ${producer} through its transactional outbox. Behind the deployment's topic prefix ` +
        `(KAFKA_TOPIC_PREFIX). Poison messages go to ${deadLetterTopicOf(topic)}.`,
      messages: channelMessages,
    };
    if (versions.length > 0) {
      operations[`publish${channelId[0].toUpperCase()}${channelId.slice(1)}`] = {
        action: 'send',
        title: `${producer} publishes ${topic}`,
        channel: { $ref: `#/channels/${channelId}` },
        messages: versions.map((d) => ({ $ref: `#/channels/${channelId}/messages/${messageId(d)}` })),
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'URRBMI collection season: event contract',
      version: options.version,
      description:
        'Events exchanged by the five services (enrolment, subsidy, tax feed, refund, reporting). Every ' +
        'event is a JSON envelope (eventId, type, version, occurredAt with offset, producer, correlationId, ' +
        'causationId, key, payload). Payloads are validated on both ends; unknown fields are refused, so an ' +
        'added field is a new version. Money is integer fen; dates are YYYY-MM-DD in Asia/Shanghai.',
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: options.brokers ?? '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'Apache Kafka (KRaft)',
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}
