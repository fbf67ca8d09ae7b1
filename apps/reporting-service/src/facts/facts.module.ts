import { Module } from '@nestjs/common';
import { PersonStateRepository } from './person-state.repository';

/** Read access to the per-person state every report is derived from. */
@Module({ providers: [PersonStateRepository], exports: [PersonStateRepository] })
export class FactsModule {}
