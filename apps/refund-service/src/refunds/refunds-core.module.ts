import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { RefundEvents } from './refund-events';
import { RefundPrechecks } from './refund-prechecks';
import { RefundTransitions } from './refund-transitions';
import { RefundsRepository } from './refunds.repository';

/** What every refund feature shares: the repository, the state machine's application, the events. */
@Module({
  imports: [ProjectionsModule],
  providers: [RefundsRepository, RefundTransitions, RefundEvents, RefundPrechecks],
  exports: [RefundsRepository, RefundTransitions, RefundEvents, RefundPrechecks, ProjectionsModule],
})
export class RefundsCoreModule {}
