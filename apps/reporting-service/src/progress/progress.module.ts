import { Module } from '@nestjs/common';
import { ProgressController } from './progress.controller';
import { RegistrationProgressRepository } from './registration-progress.repository';

@Module({ controllers: [ProgressController], providers: [RegistrationProgressRepository] })
export class ProgressModule {}
