import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { addMonthsToMonth, monthOf } from '@urrbmi/domain';
import { Clock, serviceSetting, StructuredLogger } from '@urrbmi/platform';
import { MatchRunRepository } from './match-run.repository';
import { RunMonthlyMatchCommand, RunMonthlyMatchHandler } from './run-monthly-match.handler';

/**
 * Runs the match for the previous month once it has ended — on the 1st, Asia/Shanghai, whatever the
 * server's zone — unless it ran already. Checks every SUBSIDY_MATCH_CHECK_MS (one minute); a run
 * missed while the service was down happens at the next start.
 */
@Injectable()
export class MonthlyMatchScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly everyMs = Number(serviceSetting('SUBSIDY_MATCH_CHECK_MS', /^\d{2,8}$/, '60000'));
  private readonly enabled = serviceSetting('SUBSIDY_MATCH_SCHEDULE', /^(on|off)$/, 'on') === 'on';
  private busy = false;

  constructor(
    private readonly match: RunMonthlyMatchHandler,
    private readonly runs: MatchRunRepository,
    private readonly clock: Clock,
    private readonly logger: StructuredLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    void this.tick();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const previous = addMonthsToMonth(monthOf(this.clock.today()), -1);
      if (await this.runs.hasRun(previous)) return;
      const r = await this.match.execute(
        RunMonthlyMatchCommand.create({ month: previous, trigger: 'schedule' }),
      );
      this.logger.info('monthly match ran', {
        month: previous,
        transfersCreated: r.transfersCreated,
        candidates: r.candidates,
      });
    } catch (e) {
      this.logger.error('monthly match failed', { error: e as Error });
    } finally {
      this.busy = false;
    }
  }
}
