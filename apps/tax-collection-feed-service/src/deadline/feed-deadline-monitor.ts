import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, serviceSetting, StructuredLogger } from '@urrbmi/platform';
import { FeedDay } from './late-feeds.repository';
import { RaiseLateFeedsCommand, RaiseLateFeedsHandler } from './raise-late-feeds.handler';

/**
 * The scheduler entry point of the feed deadline: every FEED_MONITOR_INTERVAL_MS it runs
 * `RaiseLateFeeds` for the days since FEED_MONITOR_FROM (one pass at a time).
 */
@Injectable()
export class FeedDeadlineMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly intervalMs = Number(serviceSetting('FEED_MONITOR_INTERVAL_MS', /^\d{2,8}$/, '60000'));
  private readonly from: string;
  private ticking = false;

  constructor(
    private readonly raiseLateFeeds: RaiseLateFeedsHandler,
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
  async tick(): Promise<FeedDay[]> {
    if (this.ticking) return [];
    this.ticking = true;
    try {
      return await this.raiseLateFeeds.execute(RaiseLateFeedsCommand.of(this.from, this.clock.now()));
    } catch (e) {
      this.logger.error('feed deadline check failed', { error: e as Error });
      return [];
    } finally {
      this.ticking = false;
    }
  }
}
