import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { contractCatalog } from '@urrbmi/contracts';

/** Publishes contract events straight to Kafka, as another service's outbox relay would. */
export class EventInjector {
  private readonly kafka: Kafka;
  private readonly catalog = contractCatalog();

  constructor(
    private readonly prefix: string,
    brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  ) {
    this.kafka = new Kafka({
      clientId: 'e2e-injector',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
  }

  envelope(type: string, payload: object, eventId = randomUUID()) {
    const { payload: valid, key } = this.catalog.preparePayload(type, 1, payload);
    return {
      eventId,
      type,
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'e2e-test',
      correlationId: randomUUID(),
      causationId: null,
      key,
      payload: { ...valid },
    };
  }

  async send(envelopes: ReturnType<EventInjector['envelope']>[]): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const e of envelopes) {
        await producer.send({
          topic: `${this.prefix}${e.type}`,
          acks: -1,
          messages: [{ key: e.key, value: JSON.stringify(e) }],
        });
      }
    } finally {
      await producer.disconnect();
    }
  }
}
