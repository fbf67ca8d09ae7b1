import { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopicOf } from '@urrbmi/contracts';
import { maskResidentIdsInText } from '@urrbmi/domain';

/** Headers a dead-lettered message carries, besides its own. */
export const DlqHeader = {
  Error: 'x-dlq-error',
  ErrorName: 'x-dlq-error-name',
  SourceTopic: 'x-dlq-source-topic',
  SourcePartition: 'x-dlq-source-partition',
  SourceOffset: 'x-dlq-source-offset',
  ConsumerGroup: 'x-dlq-consumer-group',
  FailedAt: 'x-dlq-failed-at',
  Attempts: 'x-dlq-attempts',
  ReplayedFrom: 'x-replayed-from-dlq',
} as const;

export interface DeadLetterInfo {
  sourceTopic: string;
  partition: number;
  message: KafkaMessage;
  group: string;
  error: unknown;
  attempts: number;
}

export function deadLetterHeaders(info: DeadLetterInfo): IHeaders {
  const err = info.error as Error;
  const own: IHeaders = {};
  for (const [k, v] of Object.entries(info.message.headers ?? {})) {
    if (!k.startsWith('x-dlq-') && v !== undefined) own[k] = v;
  }
  return {
    ...own,
    // Error texts may quote payload values; resident ID numbers never leave masked.
    [DlqHeader.Error]: maskResidentIdsInText(String(err?.message ?? err)).slice(0, 4000),
    [DlqHeader.ErrorName]: maskResidentIdsInText(String(err?.name ?? 'Error')).slice(0, 200),
    [DlqHeader.SourceTopic]: info.sourceTopic,
    [DlqHeader.SourcePartition]: String(info.partition),
    [DlqHeader.SourceOffset]: info.message.offset,
    [DlqHeader.ConsumerGroup]: info.group,
    [DlqHeader.FailedAt]: new Date().toISOString(),
    [DlqHeader.Attempts]: String(info.attempts),
  };
}

/** Sends one poison message to `<topic>.dlq`, keeping key and value byte for byte. */
export async function sendToDeadLetter(producer: Producer, info: DeadLetterInfo): Promise<void> {
  await producer.send({
    topic: deadLetterTopicOf(info.sourceTopic),
    acks: -1,
    messages: [{ key: info.message.key, value: info.message.value, headers: deadLetterHeaders(info) }],
  });
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}
