import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { EntityManager } from 'typeorm';
import { EventBackbone } from './event-backbone';
import {
  BatchHandler,
  ConsumedEvent,
  ConsumerTuning,
  IdempotentBatchConsumer,
} from './idempotent-batch-consumer';

/** What an `@EventPattern` handler receives as `@Ctx()`: the transaction its effects must use. */
export class BatchContext extends BaseRpcContext<[EntityManager, string]> {
  get manager(): EntityManager {
    return this.args[0];
  }

  get topic(): string {
    return this.args[1];
  }
}

/**
 * A Nest transport that keeps handlers as `@EventPattern(topic)` methods but hands each one a whole
 * batch (`ConsumedEvent[]`, never seen before by this group) inside the batch's transaction, with the
 * commit rules of IdempotentBatchConsumer. Nest's own Kafka transport works message by message and
 * lets a failing message block its partition, which is what this replaces.
 */
export class BatchKafkaTransport extends Server implements CustomTransportStrategy {
  private consumer?: IdempotentBatchConsumer;

  constructor(
    private readonly backbone: EventBackbone,
    private readonly groupId: string,
    private readonly tuning: ConsumerTuning = {},
  ) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => void): Promise<void> {
    const handlers = new Map<string, BatchHandler>();
    for (const [pattern, handler] of this.messageHandlers) {
      handlers.set(pattern, async (events: ConsumedEvent[], manager: EntityManager) => {
        const result = await handler(events, new BatchContext([manager, pattern]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
    }
    try {
      if (handlers.size > 0) {
        this.consumer = this.backbone.createConsumer(this.groupId, handlers, this.tuning);
        await this.consumer.start();
      }
      callback();
    } catch (e) {
      callback(e);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): void {
    // kafkajs events are observed inside IdempotentBatchConsumer.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
