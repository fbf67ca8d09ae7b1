import { Module } from '@nestjs/common';

/**
 * Shared by the reporting features. The reporting settings (`ReportingSettings`) are declared on the
 * service definition: read and validated at boot with the common ones, and injectable everywhere.
 */
@Module({})
export class ReportingSharedModule {}
