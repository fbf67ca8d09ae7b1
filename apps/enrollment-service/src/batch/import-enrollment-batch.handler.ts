import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { privateUploadStore, UploadStore } from '@urrbmi/files';
import { CommandHandler, receiveTabularUpload } from '@urrbmi/platform';
import { BatchProcessor } from './batch-processor';
import { BatchSettings } from './batch-settings';
import { BatchRecord, BatchRepository } from './batch.repository';
import { ImportEnrollmentBatchCommand } from './import-enrollment-batch.command';

export interface ImportedBatch {
  batch: BatchRecord;
  /** The same content of the same type was uploaded before: that batch is the answer. */
  sameContent: boolean;
}

/**
 * Stores an uploaded batch in the private upload directory and queues it on the batch file job. The
 * same bytes again return the first batch and enrol nobody twice; a batch that FAILED resumes from
 * its checkpoint (not one set aside for crashing the service); a finished one is only reported.
 */
@Injectable()
export class ImportEnrollmentBatchHandler implements CommandHandler<
  ImportEnrollmentBatchCommand,
  ImportedBatch
> {
  private readonly store: UploadStore;

  constructor(
    private readonly batches: BatchRepository,
    private readonly processor: BatchProcessor,
    private readonly settings: BatchSettings,
  ) {
    this.store = privateUploadStore(settings.BATCH_STORAGE_DIR);
  }

  async execute(cmd: ImportEnrollmentBatchCommand): Promise<ImportedBatch> {
    const stored = await receiveTabularUpload(
      this.store,
      cmd.body,
      cmd.contentType,
      this.settings.BATCH_MAX_BYTES,
      true,
      cmd.batchType === 'DEATHS' ? 'enrollment-deaths' : 'enrollment-registrations',
    );
    const { created, batch } = await this.batches.createOrFind({
      id: randomUUID(),
      sha256: stored.sha256,
      batchType: cmd.batchType,
      fileName: cmd.fileName,
      contentType: cmd.contentType,
      sizeBytes: stored.sizeBytes,
      storagePath: stored.path,
      submittedBy: cmd.by.holder,
      submitterRole: cmd.by.role,
    });
    const resumed = batch.status === 'FAILED' ? await this.batches.reopen(batch.id, stored.path) : undefined;
    if (!created && !resumed && (stored.path !== batch.storagePath || batch.rawDeletedAt))
      await rm(stored.path, { force: true });
    const current = resumed ?? batch;
    if (current.status !== 'DONE' && current.status !== 'FAILED') void this.processor.enqueue(current);
    return { batch: current, sameContent: !created };
  }
}
