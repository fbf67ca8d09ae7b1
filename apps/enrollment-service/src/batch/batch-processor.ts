import {
  ForbiddenException,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { isBusinessDate, isValidResidentId, maskResidentId, maskResidentIdsInText } from '@urrbmi/domain';
import { AreaScope, Clock, DomainError, parseRole, Principal, StructuredLogger } from '@urrbmi/platform';
import { DeathListRepository } from '../death-list/death-list.repository';
import { EnterDeathList } from '../death-list/death-list.handlers';
import { EmployeeInsuredRepository } from '../employee-insured/employee-insured.repository';
import { EnrollmentRepository } from '../standing/enrollment.repository';
import { CheckedRegistration, RegisterEnrollmentHandler } from '../registration/register-enrollment.handler';
import { RegisterEnrollmentCommand } from '../registration/register-enrollment.command';
import { BatchSettings } from './batch-settings';
import { BatchRecord, BatchRepository, RejectRow } from './batch.repository';
import { FileJobRunner, TabularRow } from '@urrbmi/files';

const CHUNK = 2000;
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
 * Works through uploaded batches one at a time, in chunks of 2,000 rows, through the shared file job
 * (`FileJobRunner`): each chunk's enrolments, events, rejects and the batch's checkpoint commit
 * together, so a crash resumes after the last committed chunk and nothing is applied twice.
 * Unfinished batches resume at start-up, except one that keeps crashing the service: it is set
 * aside as FAILED with the reason.
 */
@Injectable()
export class BatchProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: FileJobRunner<BatchRecord>;

  constructor(
    dataSource: DataSource,
    private readonly batches: BatchRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly registration: RegisterEnrollmentHandler,
    private readonly clock: Clock,
    logger: StructuredLogger,
    private readonly deathLists: DeathListRepository,
    private readonly enterDeathList: EnterDeathList,
    settings: BatchSettings,
    private readonly employeeInsured: EmployeeInsuredRepository,
  ) {
    this.runner = new FileJobRunner(
      dataSource,
      {
        find: (id) => this.batches.find(id),
        unfinished: () => this.batches.unfinished(),
        applyChunk: (m, batch, rows) => this.apply(m, batch, rows),
        complete: (m, batch) => this.complete(m, batch),
        fail: (id, reason) => this.batches.setStatus(id, 'FAILED', reason),
      },
      {
        table: 'enrollment.batches',
        noun: 'batch',
        chunkRows: CHUNK,
        retryForMs: settings.BATCH_RETRY_FOR_MS,
        maxAttempts: settings.BATCH_MAX_ATTEMPTS,
        rawRetentionDays: settings.BATCH_RAW_RETENTION_DAYS,
        oneAtATime: true,
        uploadAgain: 'upload it again',
      },
      logger,
      () => this.clock.now(),
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  /** Queues a batch (once); resolves when it is done, failed, set aside or stopped. */
  enqueue(batch: BatchRecord): Promise<void> {
    return this.runner.process(batch);
  }

  /** DONE, and a death list then waits for its checker, in the last chunk's transaction. */
  private async complete(m: EntityManager, batch: BatchRecord): Promise<void> {
    if (batch.batchType === 'DEATHS') await this.enterDeathList.execute(m, batch);
    await this.batches.complete(m, batch.id);
  }

  /** Applies one chunk and moves the checkpoint to its last line, in the chunk's transaction. */
  private async apply(m: EntityManager, batch: BatchRecord, rows: TabularRow[]): Promise<void> {
    const by: Principal = {
      holder: batch.submittedBy,
      role: batch.submitterRole,
      ...parseRole(batch.submitterRole),
    };
    const { accepted, rejects } =
      batch.batchType === 'DEATHS'
        ? await this.applyDeaths(m, batch, by, rows)
        : await this.applyRegistrations(m, batch, by, rows);
    await this.batches.checkpoint(m, batch.id, rows[rows.length - 1].line, accepted, rejects);
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
    const insured = await this.employeeInsured.employeeInsuredAmong(
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
    const insertedAt = this.clock.now();
    const inserted = await this.enrollments.insertMany(
      m,
      toInsert.map((x) => this.registration.toRow(x.id, x.c, by.holder)),
      insertedAt,
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
      insertedAt,
      batch.id,
    );
    return { accepted: fresh.length, rejects: rejects.sort((a, b) => a.line - b.line) };
  }

  /**
   * Health commission death lists, `id_number,season,date_of_death`: each good row naming a live
   * enrolment in the submitter's area is held for the list's checker (maker-checker); nothing is
   * cancelled here. `accepted` counts the rows held.
   */
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
    const candidates: typeof wanted = [];
    const seen = new Set<string>();
    const notEnrolled = (w: (typeof wanted)[number]) =>
      rejects.push({
        line: w.row.line,
        idNumber: maskResidentId(w.idNumber),
        code: 'NOT_ENROLLED',
        message: `no live enrolment in season ${w.season}`,
      });
    for (const w of wanted) {
      const key = `${w.idNumber}:${w.season}`;
      const e = live.get(key);
      // Another area's enrolment is, to a township, no enrolment at all: nothing tells it apart.
      if (!e || seen.has(key) || !scope.covers(e.townshipCode)) {
        notEnrolled(w);
        continue;
      }
      seen.add(key);
      candidates.push(w);
    }
    // Held once per enrolment: a later line for one an earlier chunk holds is refused like a repeat
    // within the chunk (NOT_ENROLLED, as when the first line cancelled the enrolment at once).
    const held = await this.deathLists.hold(
      m,
      batch.id,
      candidates.map((w) => ({
        line: w.row.line,
        enrollmentId: live.get(`${w.idNumber}:${w.season}`)!.id,
        dateOfDeath: w.date,
      })),
    );
    for (const w of candidates) if (!held.has(w.row.line)) notEnrolled(w);
    return { accepted: held.size, rejects: rejects.sort((a, b) => a.line - b.line) };
  }
}
