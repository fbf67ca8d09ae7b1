import {
  Equals,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
} from 'class-validator';

/** ISO-8601 instant that states its offset (Z or ±hh:mm): consumers never guess a zone. */
export const ISO_INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The JSON envelope every event travels in (ARCHITECTURE.md, "Events"). The payload is validated
 * separately against the class registered for `type` and `version` in the EventCatalog.
 */
export class EventEnvelope<P extends object = Record<string, unknown>> {
  @IsUUID()
  eventId!: string;

  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @Matches(ISO_INSTANT_WITH_OFFSET, { message: 'occurredAt must be ISO-8601 with an offset' })
  occurredAt!: string;

  @IsString()
  @IsNotEmpty()
  producer!: string;

  @IsUUID()
  correlationId!: string;

  @IsOptional()
  @IsUUID()
  causationId?: string | null;

  @IsString()
  @IsNotEmpty()
  key!: string;

  @IsObject()
  payload!: P;
}

/** Marker so a payload class declares the envelope fields it is published under. */
export interface EventDefinition<P extends object> {
  readonly type: string;
  readonly version: number;
  readonly payloadClass: new () => P;
  /** Which payload field is the Kafka key (the resident ID number, or a batch id). */
  readonly keyOf: (payload: P) => string;
}

export function defineEvent<P extends object>(def: EventDefinition<P>): EventDefinition<P> {
  return def;
}

export { Equals };
