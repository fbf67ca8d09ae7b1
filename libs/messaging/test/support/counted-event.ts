import { IsBoolean, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { defineEvent, EventCatalog } from '@urrbmi/contracts';

/** A test event: the n-th event of one key. Effects record (key, n) so per-key order can be checked. */
export class CountedV1 {
  @IsString()
  @MaxLength(40)
  key!: string;

  @IsInt()
  n!: number;

  @IsOptional()
  @IsBoolean()
  poison?: boolean;
}

export const Counted = defineEvent({
  type: 'test.counted',
  version: 1,
  payloadClass: CountedV1,
  keyOf: (p) => p.key,
});

export function testCatalog(): EventCatalog {
  return new EventCatalog([Counted]);
}
