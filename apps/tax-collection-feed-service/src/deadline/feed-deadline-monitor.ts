import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
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
  private readonly passes: Counter;

  constructor(
    private readonly raiseLateFeeds: RaiseLateFeedsHandler,
    private readonly clock: Clock,
    private readonly logger: StructuredLogger,
    registry: Registry,
  ) {
    this.from = serviceSetting('FEED_MONITOR_FROM', /^\d{4}-\d{2}-\d{2}$/, clock.today());
    // Operators (and tests) see that the check keeps running even when it raises nothing.
    this.passes = new Counter({
      name: 'tax_feed_deadline_checks_total',
      help: 'Completed passes of the feed deadline check',
      registers: [registry],
    });
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
      const raised = await this.raiseLateFeeds.execute(RaiseLateFeedsCommand.of(this.from, this.clock.now()));
      this.passes.inc();
      return raised;
    } catch (e) {
      this.logger.error('feed deadline check failed', { error: e as Error });
      return [];
    } finally {
      this.ticking = false;
    }
  }
}
