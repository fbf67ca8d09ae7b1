import { Injectable } from '@nestjs/common';
import { IsDate, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { FeedLate } from '@urrbmi/contracts';
import { addDays, feedDeadline, isFeedLate, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { inTransaction } from '@urrbmi/persistence';
import { CommandHandler, StructuredLogger, validated } from '@urrbmi/platform';
import { PolicyRegistry, regionCollectsOn } from '@urrbmi/policy';
import { FeedDay, LateFeedsRepository } from './late-feeds.repository';

/** One pass of the deadline check: every collecting day since `since` whose deadline passed by `now`. */
export class RaiseLateFeedsCommand {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'since must be a date YYYY-MM-DD' })
  since!: string;

  @IsDate()
  now!: Date;

  static of(since: string, now: Date): RaiseLateFeedsCommand {
    return validated(Object.assign(new RaiseLateFeedsCommand(), { since, now }));
  }
}

/**
 * 次日下午4点前推送: for every collecting day D since `since`, if no feed for D arrived by 16:00
 * Asia/Shanghai on D+1, raises `feed.late` once (a mark unique by region and date, written with the
 * event in one transaction). The late feed's arrival clears it.
 */
@Injectable()
export class RaiseLateFeedsHandler implements CommandHandler<RaiseLateFeedsCommand, FeedDay[]> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lateFeeds: LateFeedsRepository,
    private readonly outbox: OutboxWriter,
    private readonly policies: PolicyRegistry,
    private readonly logger: StructuredLogger,
  ) {}

  async execute(cmd: RaiseLateFeedsCommand): Promise<FeedDay[]> {
    const all = this.policies.all();
    const regions = [...new Set(all.map((p) => p.region.code))];
    const due: FeedDay[] = [];
    for (let d = cmd.since; isFeedLate(d, cmd.now); d = addDays(d, 1)) {
      for (const r of regions) if (regionCollectsOn(all, r, d)) due.push({ regionCode: r, feedDate: d });
    }
    if (due.length === 0) return [];
    return inTransaction(this.dataSource, async (m) => {
      const raised = await this.lateFeeds.markMissing(m, due, cmd.now);
      const raisedAt = toShanghaiIso(cmd.now);
      await this.outbox.publish(
        m,
        raised.map((r) => ({
          type: FeedLate.type,
          version: FeedLate.version,
          payload: { ...r, deadline: toShanghaiIso(feedDeadline(r.feedDate)), raisedAt },
        })),
      );
      if (raised.length > 0)
        this.logger.warn('tax feeds late', {
          late: raised.map((r) => ({ region_code: r.regionCode, feed_date: r.feedDate })),
        });
      return raised;
    });
  }
}
