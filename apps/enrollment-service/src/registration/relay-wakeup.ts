import { Injectable } from '@nestjs/common';
import { EventBackbone } from '@urrbmi/messaging';
import { RegistrationRepository } from './registration.repository';

/**
 * Wakes the outbox relay after registrations have committed. When the active relay is this
 * process's own, it is woken directly: no round trip, no pooled connection taken from
 * registrations, no NOTIFY for Postgres to queue. Otherwise (another replica holds the relay lock)
 * one NOTIFY at a time: a registration committed while a NOTIFY is on its way gets one more after
 * it, so every committed outbox row is followed by a NOTIFY sent after its commit, and 50
 * concurrent registrations cost a handful of NOTIFYs rather than 50 serialised commits. A lost
 * wake-up (the process dies first, the database is away, leadership moves at that moment) only
 * delays the event until the relay's next poll (OUTBOX_POLL_INTERVAL_MS).
 */
@Injectable()
export class RelayWakeup {
  private inFlight = false;
  private pending = 0;

  constructor(
    private readonly registrations: RegistrationRepository,
    private readonly backbone: EventBackbone,
  ) {}

  /** Called after a commit that wrote `rows` outbox rows; never throws, never waits. */
  committed(rows: number): void {
    if (this.backbone.relay.isLeader()) {
      this.backbone.relay.wakeUp();
      return;
    }
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
