import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FeedLate } from '@urrbmi/contracts';
import { addDays, feedDeadline, isFeedLate, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, serviceSetting, StructuredLogger } from '@urrbmi/platform';
import { PolicyRegistry, RegionSeasonPolicy } from '@urrbmi/policy';

/** Dates on which a region collects: inside a policy's collection window or an extended window. */
export function collectingOn(policies: RegionSeasonPolicy[], region: string, date: string): boolean {
  return policies.some((p) => {
    if (p.region.code !== region) return false;
    const to = [p.collectionWindow.to, ...p.extendedWindows.map((e) => e.to)].sort().pop()!;
    return (p.collectionWindow.from === null || date >= p.collectionWindow.from) && date <= to;
  });
}

/**
 * 次日下午4点前推送: for every collecting day D since FEED_MONITOR_FROM, if no feed for D arrived by
 * 16:00 Asia/Shanghai on D+1, raises `feed.late` once (a row in late_feeds, unique by region and
 * date, written with the event in one transaction). The late feed's arrival clears it.
 */
@Injectable()
export class FeedDeadlineMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly intervalMs = Number(serviceSetting('FEED_MONITOR_INTERVAL_MS', /^\d{2,8}$/, '60000'));
  private readonly from: string;
  private ticking = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
    private readonly logger: StructuredLogger,
  ) {
    this.from = serviceSetting('FEED_MONITOR_FROM', /^\d{4}-\d{2}-\d{2}$/, clock.today());
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    void this.tick();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns the alarms raised. */
  async tick(): Promise<{ regionCode: string; feedDate: string }[]> {
    if (this.ticking) return [];
    this.ticking = true;
    try {
      const now = this.clock.now();
      const all = this.policies.all();
      const regions = [...new Set(all.map((p) => p.region.code))];
      const due: { region: string; date: string }[] = [];
      for (let d = this.from; isFeedLate(d, now); d = addDays(d, 1)) {
        for (const r of regions) if (collectingOn(all, r, d)) due.push({ region: r, date: d });
      }
      if (due.length === 0) return [];
      return await this.dataSource.transaction(async (m) => {
        const raised: { region_code: string; feed_date: string }[] = await m.query(
          `INSERT INTO tax_feed.late_feeds (region_code, feed_date, raised_at)
           SELECT d.r, d.f, $3::timestamptz FROM unnest($1::text[], $2::date[]) AS d(r, f)
            WHERE NOT EXISTS (SELECT 1 FROM tax_feed.feeds x WHERE x.region_code = d.r AND x.feed_date = d.f AND x.status <> 'FAILED')
           ON CONFLICT DO NOTHING
           RETURNING region_code, to_char(feed_date, 'YYYY-MM-DD') AS feed_date`,
          [due.map((x) => x.region), due.map((x) => x.date), now],
        );
        const raisedAt = toShanghaiIso(now);
        await this.outbox.publish(
          m,
          raised.map((r) => ({
            type: FeedLate.type,
            version: FeedLate.version,
            payload: {
              regionCode: r.region_code,
              feedDate: r.feed_date,
              deadline: toShanghaiIso(feedDeadline(r.feed_date)),
              raisedAt,
            },
          })),
        );
        if (raised.length > 0) this.logger.warn('tax feeds late', { late: raised });
        return raised.map((r) => ({ regionCode: r.region_code, feedDate: r.feed_date }));
      });
    } catch (e) {
      this.logger.error('feed deadline check failed', { error: e as Error });
      return [];
    } finally {
      this.ticking = false;
    }
  }
}
