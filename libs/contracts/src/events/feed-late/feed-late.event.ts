import { Matches } from 'class-validator';
import { defineEvent, ISO_INSTANT_WITH_OFFSET } from '../../envelope';
import { Topics } from '../../topics';
import { REGION_CODE } from '../../validators';

/** The feed for day D had not arrived by 16:00 Asia/Shanghai on D+1 (次日下午4点前). Key: `<region>:<date>`. */
export class FeedLateV1 {
  @Matches(REGION_CODE)
  regionCode!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  feedDate!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  deadline!: string;

  @Matches(ISO_INSTANT_WITH_OFFSET)
  raisedAt!: string;
}

export const FeedLate = defineEvent({
  type: Topics.FeedLate,
  version: 1,
  payloadClass: FeedLateV1,
  keyOf: (p) => `${p.regionCode}:${p.feedDate}`,
});
