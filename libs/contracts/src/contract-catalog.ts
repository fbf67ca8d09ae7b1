import { EventCatalog } from './catalog';
import { EnrollmentRegistered } from './events/enrollment-registered/enrollment-registered.event';

/** Every event of the external contract, in every version consumers still accept. */
export function contractCatalog(): EventCatalog {
  return new EventCatalog([EnrollmentRegistered]);
}
