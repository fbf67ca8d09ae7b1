import { shanghaiDate } from '@urrbmi/domain';

/** `system`: the machine's clock (production). `simulation`: a clock a simulator may move (CLOCK_MODE). */
export type ClockMode = 'system' | 'simulation';

/**
 * The service's notion of "now". In production it is the system clock. CLOCK_START (an ISO instant)
 * starts it at another moment and lets it run from there — for rehearsing a past season, and for
 * end-to-end tests of windows and deadlines. With CLOCK_MODE=simulation the clock may also be moved
 * while the service runs (`PUT /v1/clock`, see simulation-clock.controller.ts): it jumps to the given
 * instant and runs on from there, so deadline monitors and monthly jobs, which read it at every tick,
 * fire as they would on those dates. Both are refused at boot where NODE_ENV=production.
 */
export class Clock {
  private offsetMs: number;

  constructor(
    start?: string,
    readonly mode: ClockMode = 'system',
  ) {
    this.offsetMs = start ? Date.parse(start) - Date.now() : 0;
    if (Number.isNaN(this.offsetMs)) throw new Error(`CLOCK_START is not an ISO instant: ${start}`);
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Today's Asia/Shanghai business date. */
  today(): string {
    return shanghaiDate(this.now());
  }

  get shifted(): boolean {
    return this.offsetMs !== 0 || this.mode === 'simulation';
  }

  /** Moves a simulation clock to `instant`; it runs on from there. Refused on any other clock. */
  moveTo(instant: Date): void {
    if (this.mode !== 'simulation') throw new Error('the clock may only be moved with CLOCK_MODE=simulation');
    if (Number.isNaN(instant.getTime())) throw new Error('not an instant');
    this.offsetMs = instant.getTime() - Date.now();
  }
}
