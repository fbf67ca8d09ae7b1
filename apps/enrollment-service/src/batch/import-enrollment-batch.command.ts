import { Readable } from 'node:stream';
import { DomainError, Principal } from '@urrbmi/platform';
import { BatchType } from './batch.repository';

/**
 * 批量导入: a file of registrations or deaths, its type checked on creation (400 `BAD_BATCH_TYPE`).
 * The body is read by the handler, which stores it before anything else.
 */
export class ImportEnrollmentBatchCommand {
  private constructor(
    readonly batchType: BatchType,
    readonly fileName: string | null,
    readonly contentType: string,
    readonly body: Readable,
    readonly by: Principal,
  ) {}

  static create(input: {
    batchType: string;
    fileName?: string;
    contentType: string;
    body: Readable;
    by: Principal;
  }): ImportEnrollmentBatchCommand {
    const type = input.batchType.toUpperCase() as BatchType;
    if (!['REGISTRATIONS', 'DEATHS'].includes(type))
      throw new DomainError('BAD_BATCH_TYPE', 'X-Batch-Type must be REGISTRATIONS or DEATHS', 400);
    return new ImportEnrollmentBatchCommand(
      type,
      input.fileName ?? null,
      input.contentType,
      input.body,
      input.by,
    );
  }
}
