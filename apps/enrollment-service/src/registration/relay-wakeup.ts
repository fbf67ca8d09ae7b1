import { Injectable } from '@nestjs/common';
import { RegistrationRepository } from './registration.repository';

/**
 * Wakes the outbox relay after registrations have committed, one NOTIFY at a time: a registration
 * committed while a NOTIFY is on its way gets one more after it, so every committed outbox row is
 * followed by a NOTIFY sent after its commit, and 50 concurrent registrations cost a handful of
 * NOTIFYs rather than 50 serialised commits. A lost NOTIFY (the process dies first, the database is
 * away) only delays the event until the relay's next poll (OUTBOX_POLL_INTERVAL_MS).
 */
@Injectable()
export class RelayWakeup {
  private inFlight = false;
  private pending = 0;

  constructor(private readonly registrations: RegistrationRepository) {}

  /** Called after a commit that wrote `rows` outbox rows; never throws, never waits. */
  committed(rows: number): void {
    this.pending += rows;
    if (this.inFlight) return;
    this.inFlight = true;
    const sending = this.pending;
    this.pending = 0;
    this.registrations
      .notifyRelay(sending)
      .catch(() => undefined) // the relay polls as well
      .finally(() => {
        this.inFlight = false;
        if (this.pending > 0) this.committed(0);
      });
  }
}
