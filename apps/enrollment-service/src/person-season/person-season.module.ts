import { Module } from '@nestjs/common';
import { StandingModule } from '../standing/standing.module';
import { PersonSeasonController } from './person-season.controller';

/** One person's season as the bureau and the township read it. */
@Module({ imports: [StandingModule], controllers: [PersonSeasonController] })
export class PersonSeasonModule {}
