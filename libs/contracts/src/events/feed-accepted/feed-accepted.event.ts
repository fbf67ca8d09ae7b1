import { IsBoolean, IsInt, IsUUID, Matches, Min } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { REGION_CODE } from '../../validators';

/** The tax bureau's daily feed for one date and region was processed. Key: the feed id. */
export class FeedAcceptedV1 {
  @IsUUID()
  feedId!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  feedDate!: string;

  @Matches(REGION_CODE)
  regionCode!: string;

  @Min(0)
  @IsInt()
  rows!: number;

  @Min(0)
  @IsInt()
  applied!: number;

  @Min(0)
  @IsInt()
  reversed!: number;

  @Min(0)
  @IsInt()
  duplicates!: number;

  @Min(0)
  @IsInt()
  quarantined!: number;

  /** Net amount applied (payments minus reversals), in fen. */
  @IsInt()
  appliedTotalFen!: number;

  @IsInt()
  declaredTotalFen!: number;

  /** The feed arrived after 16:00 on the next day; it clears the earlier feed.late. */
  @IsBoolean()
  late!: boolean;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  acceptedAt!: string;
}

export const FeedAccepted = defineEvent({
  type: Topics.FeedAccepted,
  version: 1,
  payloadClass: FeedAcceptedV1,
  keyOf: (p) => p.feedId,
});
