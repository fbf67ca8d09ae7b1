import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { maskResidentId } from '@urrbmi/domain';
import { FileJobRunner, TabularRow } from '@urrbmi/files';
import { Clock, DomainError, StructuredLogger } from '@urrbmi/platform';
import { PolicyRegistry, RosterSource } from '@urrbmi/policy';
import { RosterErrors } from './roster.errors';
import { RosterRepository, RosterUpload } from './roster.repository';
import { isRosterReject, parseRosterRow, RosterReject, RosterRow } from './roster-row';
import { RosterSettings } from './roster-settings';
import { rosterWarnings } from './roster-warnings';

const CHUNK = 5000;

/**
 * A snapshot never goes back in time: one older than the newest approved of its source and region
 * is refused (at the end of staging and at approval).
 */
export async function olderSnapshotRefusal(
  rosters: RosterRepository,
  m: EntityManager,
  source: string,
  regionCodes: string[],
  asOf: string,
): Promise<DomainError | undefined> {
  const newest = await rosters.newestApproved(m, source, regionCodes);
  if (!newest || newest.asOf <= asOf) return undefined;
  return RosterErrors.OLDER_SNAPSHOT(
    `a ${source} snapshot of region ${newest.regionCode} as of ${newest.asOf} is already approved; this one is as of ${asOf}`,
    { newestUploadId: newest.id, newestAsOf: newest.asOf, regionCode: newest.regionCode },
  );
}

/**
 * Stages stored rosters through the shared file job (`FileJobRunner`) in chunks of 5,000 rows: each
 * chunk's staged rows, rejects, counts and the upload's checkpoint commit together, so a crash or a
 * stop resumes after the last committed chunk (at the next start, or when the same file is uploaded
 * again) and no row is staged twice. A person met again in a later chunk is still
 * `DUPLICATE_IN_FILE`: the earlier chunks' rows are in the table. The last chunk's transaction
 * judges the whole snapshot (its region; not older than the newest approved) and stages it with its
 * summary and warnings, or records the refusal as FAILED with its code. Nothing is decided before
 * STAGED, so a half-staged upload can never be approved. A roster that keeps crashing the service is
 * set aside as FAILED with the reason.
 */
@Injectable()
export class RosterProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: FileJobRunner<RosterUpload>;

  constructor(
    dataSource: DataSource,
    private readonly rosters: RosterRepository,
    private readonly policies: PolicyRegistry,
    clock: Clock,
    private readonly logger: StructuredLogger,
    private readonly settings: RosterSettings,
  ) {
    this.runner = new FileJobRunner(
      dataSource,
      {
        find: (id) => this.rosters.find(id),
        unfinished: () => this.rosters.unfinished(),
        applyChunk: (m, upload, rows) => this.stageChunk(m, upload, rows),
        complete: (m, upload) => this.judgeSnapshot(m, upload),
        fail: (id, reason) => this.rosters.markFailed(id, reason),
      },
      {
        table: 'subsidy.roster_uploads',
        noun: 'roster',
        chunkRows: CHUNK,
        retryForMs: settings.ROSTER_RETRY_FOR_MS,
        maxAttempts: settings.ROSTER_MAX_ATTEMPTS,
        rawRetentionDays: settings.ROSTER_RAW_RETENTION_DAYS,
        // Small rosters are answered once staged: they must not wait behind a large one.
        oneAtATime: false,
        uploadAgain: 'upload it again',
      },
      logger,
      () => clock.now(),
    );
  }

  /** Stages an upload (once, even if asked twice at the same time); never rejects: see its status. */
  process(upload: RosterUpload): Promise<void> {
    return this.runner.process(upload);
  }

  onApplicationBootstrap(): void {
    this.runner.start();
    // In the background, like the resumption: a database slow to come back must not block the boot.
    this.rosters.adoptLegacyRawFiles(this.settings.ROSTER_STORAGE_DIR).then(
      (n) =>
        n > 0 && this.logger.info('raw files of rosters staged before the file job adopted', { files: n }),
      (e: unknown) =>
        this.logger.warn('could not adopt the raw files of earlier rosters; the next start tries again', {
          error: (e as Error).message,
        }),
    );
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  /** Checks and stages one chunk and moves the checkpoint to its last line, in the chunk's transaction. */
  private async stageChunk(m: EntityManager, upload: RosterUpload, rows: TabularRow[]): Promise<void> {
    const ok: RosterRow[] = [];
    const bad: RosterReject[] = [];
    for (const row of rows) {
      const r = parseRosterRow(
        row.line,
        row.values,
        upload.source as RosterSource,
        upload.asOf,
        upload.snapshotRegion ?? undefined,
      );
      if (isRosterReject(r)) bad.push(r);
      else ok.push(r);
    }
    const inserted = await this.rosters.stage(m, upload.id, ok);
    for (const r of ok) {
      if (!inserted.has(r.line))
        bad.push({
          line: r.line,
          idNumber: maskResidentId(r.idNumber),
          code: 'DUPLICATE_IN_FILE',
          message: `the person appears earlier in this file with ${r.category}`,
        });
    }
    await this.rosters.addRejects(m, upload.id, bad);
    await this.rosters.checkpoint(m, upload.id, rows[rows.length - 1].line, {
      read: rows.length,
      staged: inserted.size,
      rejected: bad.length,
    });
  }

  /** The whole snapshot, in its last chunk's transaction: STAGED with its summary, or refused. */
  private async judgeSnapshot(m: EntityManager, upload: RosterUpload): Promise<void> {
    const { id, source, asOf } = upload;
    const stagedCategories = await this.rosters.stagedCategories(m, id);
    const regionCodes = upload.snapshotRegion
      ? [upload.snapshotRegion]
      : [...new Set(stagedCategories.map((c) => c.regionCode))];
    const refusal =
      regionCodes.length === 0
        ? RosterErrors.REGION_REQUIRED(
            'a snapshot with no valid row must name its region in X-Region-Code (it removes that region’s people of the source)',
          )
        : await olderSnapshotRefusal(this.rosters, m, source, regionCodes, asOf);
    if (refusal) {
      await this.rosters.refuse(m, id, refusal);
      this.logger.info('roster refused', { rosterId: id, code: refusal.code });
      return;
    }
    await this.rosters.finishStaging(
      m,
      id,
      await this.rosters.summarise(m, id, source, regionCodes),
      regionCodes,
      rosterWarnings(this.policies, asOf, stagedCategories),
    );
  }
}
