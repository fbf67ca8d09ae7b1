import { Global, Module } from '@nestjs/common';
import { loadReportingSettings, ReportingSettings } from './reporting-settings';

/** The reporting settings, read once and validated when the service boots. */
@Global()
@Module({
  providers: [{ provide: ReportingSettings, useFactory: () => loadReportingSettings() }],
  exports: [ReportingSettings],
})
export class ReportingSharedModule {}
