import { Module } from '@nestjs/common';
import { ApprovalRepository } from './approval.repository';

/** Entries waiting for a checker (paid cancellations, employee-insured lists, death lists). */
@Module({ providers: [ApprovalRepository], exports: [ApprovalRepository] })
export class ApprovalsModule {}
