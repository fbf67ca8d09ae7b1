import { shanghaiDate } from '@urrbmi/domain';

/**
 * The service's notion of "now". In production it is the system clock. CLOCK_START (an ISO instant)
 * starts it at another moment and lets it run from there — for rehearsing a past season, and for
 * end-to-end tests of windows and deadlines; never set it in production.
 */
export class Clock {
  private readonly offsetMs: number;

  constructor(start?: string) {
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
    return this.offsetMs !== 0;
  }
}
