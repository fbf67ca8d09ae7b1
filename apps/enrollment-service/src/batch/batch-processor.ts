import {
  ForbiddenException,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DataSource, EntityManager } from 'typeorm';
import {
  CheckpointMovedError,
  claimCheckpoint,
  isTransientFailure,
  retryTransient,
} from '@urrbmi/persistence';
import { isBusinessDate, isValidResidentId, maskResidentId, maskResidentIdsInText } from '@urrbmi/domain';
import { AreaScope, Clock, DomainError, parseRole, Principal, StructuredLogger } from '@urrbmi/platform';
import { EnrolmentCancellation } from '../cancellation/enrolment-cancellation';
import { EnrollmentRepository } from '../enrollment.repository';
import { CheckedRegistration, RegisterEnrollmentHandler } from '../registration/register-enrollment.handler';
import { RegisterEnrollmentCommand } from '../registration/register-enrollment.command';
import { BatchRecord, BatchRepository, RejectRow } from './batch.repository';
import { readTabularRows, TabularRow } from '@urrbmi/files';

const CHUNK = 2000;
/** How long a chunk keeps being retried while the database is away or busy before the batch fails. */
const RETRY_FOR_MS = Number(process.env.BATCH_RETRY_FOR_MS ?? 5 * 60_000);
/** Seasons the event contract accepts. */
const SEASONS = { min: 2000, max: 2100 } as const;

function messages(errors: ValidationError[]): string {
  return errors
    .flatMap((e) => [...Object.values(e.constraints ?? {}), messages(e.children ?? [])])
    .filter(Boolean)
    .join('; ');
}

const blank = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/** A CSV/XLSX row as the single-registration command, so both go through the same checks. */
export function rowToCommand(v: Record<string, string>): object {
  const int = (s: string | undefined) =>
    blank(s) === undefined ? undefined : /^-?\d+$/.test(s!) ? Number(s) : s;
  return Object.fromEntries(
    Object.entries({
      idNumber: blank(v.id_number),
      name: blank(v.name),
      season: int(v.season),
      regionCode: blank(v.region_code),
      townshipCode: blank(v.township_code),
      villageCode: blank(v.village_code),
      kind: blank(v.kind) ?? 'NEW',
      school: blank(v.school),
      lateGroup: blank(v.late_group),
      extendedGroup: blank(v.extended_group),
      residenceProof: blank(v.residence_proof),
      notInsuredAtHome:
        blank(v.not_insured_at_home) === undefined
          ? undefined
          : ['1', 'true', 'yes', '是'].includes(v.not_insured_at_home.toLowerCase()),
      previousRegionCode: blank(v.previous_region_code),
    }).filter(([, x]) => x !== undefined),
  );
}

/**
 * Works through uploaded batches one at a time, in chunks of 2,000 rows: each chunk's enrolments,
 * events, rejects and the batch's checkpoint commit together, so a crash resumes after the last
 * committed chunk and nothing is applied twice. Unfinished batches resume at start-up.
 */
@Injectable()
export class BatchProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: BatchRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly registration: RegisterEnrollmentHandler,
    private readonly clock: Clock,
    private readonly logger: StructuredLogger,
    private readonly cancellation: EnrolmentCancellation,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a database slow to come back must neither block nor crash the boot.
    void retryTransient(() => this.batches.unfinished(), {
      giveUpAfterMs: RETRY_FOR_MS,
      shouldStop: () => this.stopping,
    }).then(
      (unfinished) => unfinished.forEach((b) => this.enqueue(b)),
      (e: unknown) =>
        this.logger.error('could not list unfinished batches; they resume at the next start or upload', {
          error: e as Error,
        }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.queue;
  }

  enqueue(batch: BatchRecord): void {
    this.queue = this.queue
      .then(() => this.run(batch))
      .catch((e: unknown) =>
        this.logger.error('batch processing stopped; it resumes at the next start or upload', {
          batchId: batch.id,
          error: e as Error,
        }),
      );
  }

  private async run(queued: BatchRecord): Promise<void> {
    // Re-read: another instance may have moved it on (or finished it) since it was queued.
    const batch = await retryTransient(() => this.batches.find(queued.id), { giveUpAfterMs: RETRY_FOR_MS });
    if (!batch || batch.status === 'DONE' || batch.status === 'FAILED') return;
    if (!existsSync(batch.storagePath)) {
      await this.batches.setStatus(
        batch.id,
        'FAILED',
        'the uploaded file is no longer in storage; upload it again',
      );
      return;
    }
    const started = Date.now();
    this.logger.info('batch started', {
      batchId: batch.id,
      type: batch.batchType,
      resumeAfterLine: batch.processedLines,
    });
    const principal: Principal = {
      holder: batch.submittedBy,
      role: batch.submitterRole,
      ...parseRole(batch.submitterRole),
    };
    try {
      let chunk: TabularRow[] = [];
      let at = batch.processedLines;
      for await (const row of readTabularRows(batch.storagePath, batch.contentType)) {
        if (row.line <= at) continue;
        chunk.push(row);
        if (chunk.length >= CHUNK) {
          at = await this.apply(batch, principal, chunk, at);
          chunk = [];
          if (this.stopping) return; // resumes from the checkpoint at the next start
        }
      }
      if (chunk.length > 0) await this.apply(batch, principal, chunk, at);
      await retryTransient(() => this.batches.setStatus(batch.id, 'DONE'), { giveUpAfterMs: RETRY_FOR_MS });
      const done = await this.batches.find(batch.id);
      this.logger.info('batch done', {
        batchId: batch.id,
        accepted: done?.accepted,
        rejected: done?.rejected,
        ms: Date.now() - started,
      });
    } catch (e) {
      if (e instanceof CheckpointMovedError) {
        this.logger.info('batch continued by another instance', { batchId: batch.id });
        return;
      }
      this.logger.error('batch failed', { batchId: batch.id, error: e as Error });
      // FAILED is not final: the same file uploaded again resumes from the checkpoint. When the
      // database itself is what failed, the batch stays PROCESSING and resumes at the next start.
      const reason = isTransientFailure(e)
        ? `the database was unavailable for ${Math.round(RETRY_FOR_MS / 1000)} s: upload the same file again to resume`
        : maskResidentIdsInText((e as Error).message);
      await this.batches.setStatus(batch.id, 'FAILED', reason).catch((err: unknown) =>
        this.logger.warn('could not mark the batch failed; it stays PROCESSING', {
          batchId: batch.id,
          error: (err as Error).message,
        }),
      );
    }
  }

  /** Applies one chunk after the checkpoint `from`; returns the new checkpoint. */
  /**
   * Applies one chunk after the checkpoint `from`; returns the new checkpoint. A transient failure
   * repeats the whole transaction; a repeat that finds the checkpoint already at this chunk's end
   * means the first commit landed before the connection broke.
   */
  private async apply(batch: BatchRecord, by: Principal, rows: TabularRow[], from: number): Promise<number> {
    const lastLine = rows[rows.length - 1].line;
    let repeated = false;
    try {
      await retryTransient(
        () =>
          this.dataSource.transaction(async (m) => {
            await claimCheckpoint(m, 'enrollment.batches', batch.id, from);
            const { accepted, rejects } =
              batch.batchType === 'DEATHS'
                ? await this.applyDeaths(m, batch, by, rows)
                : await this.applyRegistrations(m, batch, by, rows);
            await this.batches.checkpoint(m, batch.id, lastLine, accepted, rejects);
          }),
        {
          giveUpAfterMs: RETRY_FOR_MS,
          shouldStop: () => this.stopping,
          onRetry: (e, attempt, delayMs) => {
            repeated = true;
            this.logger.warn('batch chunk failed transiently; retrying', {
              batchId: batch.id,
              attempt,
              delayMs,
              error: (e as Error).message,
            });
          },
        },
      );
    } catch (e) {
      if (!(repeated && e instanceof CheckpointMovedError)) throw e;
      if ((await this.batches.find(batch.id))?.processedLines !== lastLine) throw e;
    }
    return lastLine;
  }

  private async applyRegistrations(
    m: EntityManager,
    batch: BatchRecord,
    by: Principal,
    rows: TabularRow[],
  ): Promise<{ accepted: number; rejects: RejectRow[] }> {
    const today = this.clock.today();
    const rejects: RejectRow[] = [];
    const reject = (row: TabularRow, code: string, message: string) =>
      rejects.push({
        line: row.line,
        idNumber: row.values.id_number ? maskResidentId(row.values.id_number) : null,
        code,
        message: maskResidentIdsInText(message),
      });
    const checked: { row: TabularRow; c: CheckedRegistration }[] = [];
    for (const row of rows) {
      const cmd = plainToInstance(RegisterEnrollmentCommand, rowToCommand(row.values));
      const errors = validateSync(cmd, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) {
        reject(row, 'INVALID_ROW', messages(errors));
        continue;
      }
      try {
        checked.push({ row, c: this.registration.check(cmd, by, today) });
      } catch (e) {
        // A row outside the submitter's area is that row's reject, not the whole batch's failure.
        if (e instanceof ForbiddenException) reject(row, 'OUTSIDE_AREA', e.message);
        else if (!(e instanceof DomainError)) throw e;
        else reject(row, e.code, e.message);
      }
    }
    // Records-based checks, set-based where it matters: employee insurance for the whole chunk.
    const insured = await this.enrollments.employeeInsuredAmong(
      m,
      checked.map((x) => x.c.cmd.idNumber),
      today,
    );
    const toInsert: { row: TabularRow; c: CheckedRegistration; id: string }[] = [];
    for (const x of checked) {
      if (insured.has(x.c.cmd.idNumber)) {
        reject(
          x.row,
          'DOUBLE_COVER',
          'person is insured as an employee; resident insurance would be double cover',
        );
        continue;
      }
      if (x.c.cmd.kind === 'TRANSFER_IN') {
        try {
          await this.registration.checkAgainstRecords(m, x.c, today);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          reject(x.row, e.code, e.message);
          continue;
        }
      }
      x.c.facts = { ...x.c.facts, batchId: batch.id, batchLine: x.row.line } as typeof x.c.facts;
      toInsert.push({ ...x, id: randomUUID() });
    }
    const inserted = await this.enrollments.insertMany(
      m,
      toInsert.map((x) => this.registration.toRow(x.id, x.c, by.holder)),
    );
    const losers = toInsert.filter((x) => !inserted.has(x.id));
    if (losers.length > 0) {
      const existing = await this.enrollments.liveSources(
        m,
        losers.map((x) => ({ idNumber: x.c.cmd.idNumber, season: x.c.cmd.season })),
      );
      for (const x of losers) {
        const e = existing.get(`${x.c.cmd.idNumber}:${x.c.cmd.season}`);
        if (e?.batchId === batch.id)
          reject(
            x.row,
            'DUPLICATE_IN_FILE',
            `the same person and season appear earlier in this file (line ${e.batchLine})`,
          );
        else reject(x.row, 'ALREADY_ENROLLED', `person is already enrolled for season ${x.c.cmd.season}`);
      }
    }
    const fresh = toInsert.filter((x) => inserted.has(x.id));
    await this.registration.publishRegistered(
      m,
      fresh.map((x) => ({ id: x.id, checked: x.c })),
      by.holder,
      batch.id,
    );
    return { accepted: fresh.length, rejects: rejects.sort((a, b) => a.line - b.line) };
  }

  /** Health commission death lists: `id_number,season,date_of_death` cancels the live enrolment. */
  private async applyDeaths(
    m: EntityManager,
    batch: BatchRecord,
    by: Principal,
    rows: TabularRow[],
  ): Promise<{ accepted: number; rejects: RejectRow[] }> {
    const scope = AreaScope.of(by);
    const rejects: RejectRow[] = [];
    const wanted: { row: TabularRow; idNumber: string; season: number; date: string }[] = [];
    for (const row of rows) {
      const id = (row.values.id_number ?? '').toUpperCase();
      const seasonText = (row.values.season ?? '').trim();
      const season = /^\d{4}$/.test(seasonText) ? Number(seasonText) : NaN;
      const date = (row.values.date_of_death ?? '').trim();
      const masked = id ? maskResidentId(id) : null;
      if (!isValidResidentId(id))
        rejects.push({
          line: row.line,
          idNumber: masked,
          code: 'INVALID_ROW',
          message: 'id_number must be a valid resident ID number',
        });
      else if (!Number.isInteger(season) || season < SEASONS.min || season > SEASONS.max)
        rejects.push({
          line: row.line,
          idNumber: masked,
          code: 'INVALID_ROW',
          message: `season must be a year from ${SEASONS.min} to ${SEASONS.max}`,
        });
      else if (!isBusinessDate(date))
        rejects.push({
          line: row.line,
          idNumber: masked,
          code: 'INVALID_ROW',
          message: 'date_of_death must be a real calendar day YYYY-MM-DD',
        });
      else wanted.push({ row, idNumber: id, season, date });
    }
    const live = new Map(
      (await this.enrollments.lockLive(m, wanted)).map((e) => [`${e.idNumber}:${e.season}`, e]),
    );
    const cancelled: typeof wanted = [];
    const seen = new Set<string>();
    for (const w of wanted) {
      const key = `${w.idNumber}:${w.season}`;
      const e = live.get(key);
      // Another area's enrolment is, to a township, no enrolment at all: nothing tells it apart.
      if (!e || seen.has(key) || !scope.covers(e.townshipCode)) {
        rejects.push({
          line: w.row.line,
          idNumber: maskResidentId(w.idNumber),
          code: 'NOT_ENROLLED',
          message: `no live enrolment in season ${w.season}`,
        });
        continue;
      }
      seen.add(key);
      cancelled.push(w);
    }
    // The one cancellation every path takes (CancelEnrollment), correlated with the batch.
    await this.cancellation.apply(
      m,
      cancelled.map((w) => ({
        enrolment: live.get(`${w.idNumber}:${w.season}`)!,
        reason: 'DEATH' as const,
        effectiveDate: w.date,
        details: { batchId: batch.id },
      })),
      by.holder,
      batch.id,
    );
    return { accepted: cancelled.length, rejects };
  }
}
