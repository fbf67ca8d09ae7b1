import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { DataSource, EntityManager } from 'typeorm';
import { maskResidentIdsInText } from '@urrbmi/domain';
import {
  CheckpointMovedError,
  claimCheckpoint,
  isTransientFailure,
  retryTransient,
} from '@urrbmi/persistence';
import { readTabularRows, TabularRow } from '../tabular-rows';
import { FileJobRepository } from './file-job.repository';

/** What the runner needs to know of a service's job row. */
export interface FileJobRecord {
  id: string;
  storagePath: string;
  contentType: string;
  /** The checkpoint: the last line whose effects are committed. */
  processedLines: number;
  status: string;
}

/** The service's side of a file job: its rows, its chunk of work, its final and failed states. */
export interface FileJobWork<J extends FileJobRecord> {
  find(id: string): Promise<J | undefined>;
  /** Jobs left RECEIVED or PROCESSING (by a crash, a stop, a database gone away), oldest first. */
  unfinished(): Promise<J[]>;
  /** Applies rows after the checkpoint and moves the checkpoint to the last row's line, in `m`. */
  applyChunk(m: EntityManager, job: J, rows: TabularRow[]): Promise<void>;
  /** Marks the job finished, in the transaction of its last chunk. */
  complete(m: EntityManager, job: J): Promise<void>;
  /** Marks the job FAILED with a reason; the same bytes uploaded again resume it. */
  fail(id: string, reason: string): Promise<void>;
}

export interface FileJobOptions {
  /** `schema.table` of the jobs (it needs `fileJobColumnsSql`). */
  table: string;
  /** What a job is called in log lines and reasons: `batch`, `feed`. */
  noun: string;
  chunkRows: number;
  /** How long a chunk is retried while the database is away or busy before the job fails. */
  retryForMs: number;
  /** Starts without the checkpoint moving (crashes, kills) before the file is set aside. */
  maxAttempts: number;
  /** Raw files of finished jobs are deleted this many days after they finished. */
  rawRetentionDays: number;
  /** How often the retention sweep runs (default hourly). */
  sweepEveryMs?: number;
  /** One job at a time (a queue), or each job as soon as it is asked for. */
  oneAtATime: boolean;
  /** Told to the uploader when the stored file is gone (`upload it again`, `push it again`). */
  uploadAgain: string;
}

/** The log the runner writes to (the service's StructuredLogger fits). */
export interface FileJobLog {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}

const DAY_MS = 86_400_000;

/**
 * The resumable chunked-file job every upload that is applied row by row shares (enrollment batches,
 * tax feeds): the stored file is read from its checkpoint, each chunk's effects and the checkpoint
 * commit together (so a crash or stop resumes after the last committed chunk and nothing is applied
 * twice), a chunk failing transiently is retried, and another instance moving the checkpoint first
 * makes this one stop. Unfinished jobs resume at start-up, except one whose processing keeps stopping
 * without its checkpoint moving (it crashed the process, or the process was killed on it
 * `maxAttempts` times): that file is set aside as FAILED with the reason, so a poisonous file cannot
 * take the service down at every restart. A missing stored file fails the job saying so. Raw files
 * of finished jobs are deleted after `rawRetentionDays`.
 */
export class FileJobRunner<J extends FileJobRecord> {
  private readonly running = new Map<string, Promise<void>>();
  private readonly jobs: FileJobRepository;
  private tail: Promise<void> = Promise.resolve();
  private stopping = false;
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly work: FileJobWork<J>,
    private readonly options: FileJobOptions,
    private readonly log: FileJobLog,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.jobs = new FileJobRepository(dataSource, options.table);
  }

  /** Resumes unfinished jobs in the background and starts the retention sweep. */
  start(): void {
    void this.resumeUnfinished();
    const sweep = () => {
      this.sweeping = this.sweepRawFiles().catch((e: unknown) =>
        this.log.warn(`${this.options.noun} raw file retention sweep failed; it runs again later`, {
          error: (e as Error).message,
        }),
      );
    };
    sweep();
    this.sweeper = setInterval(sweep, this.options.sweepEveryMs ?? 3_600_000);
    this.sweeper.unref();
  }

  /** Stops after the chunk in hand (its checkpoint committed); unfinished jobs resume at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.running.values(), this.sweeping]);
  }

  /**
   * Processes a job (once, even if asked twice at the same time) and resolves when it is finished,
   * failed, set aside or stopped; never rejects: the outcome is the job's status.
   */
  process(job: J): Promise<void> {
    let p = this.running.get(job.id);
    if (!p) {
      const run = () =>
        this.run(job).catch((e: unknown) =>
          this.log.error(`${this.options.noun} processing stopped; it resumes at the next start or upload`, {
            [`${this.options.noun}Id`]: job.id,
            error: e as Error,
          }),
        );
      p = (this.options.oneAtATime ? (this.tail = this.tail.then(run)) : run()).finally(() =>
        this.running.delete(job.id),
      );
      this.running.set(job.id, p);
    }
    return p;
  }

  /** Deletes the raw files of jobs finished more than `rawRetentionDays` ago; returns how many. */
  async sweepRawFiles(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.options.rawRetentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const page = await this.jobs.rawFilesPast(cutoff, 500);
      if (page.length === 0) break;
      for (const f of page) await rm(f.storagePath, { force: true });
      await this.jobs.markRawDeleted(
        page.map((f) => f.id),
        this.now(),
      );
      deleted += page.length;
      if (this.stopping) break;
    }
    if (deleted > 0)
      this.log.info(`${this.options.noun} raw files past retention deleted`, {
        files: deleted,
        retentionDays: this.options.rawRetentionDays,
      });
    return deleted;
  }

  private get idField(): string {
    return `${this.options.noun}Id`;
  }

  private async resumeUnfinished(): Promise<void> {
    try {
      // In the background: a database slow to come back must neither block nor crash the boot.
      const unfinished = await retryTransient(() => this.work.unfinished(), {
        giveUpAfterMs: this.options.retryForMs,
        shouldStop: () => this.stopping,
      });
      for (const j of unfinished) if (!this.stopping) void this.process(j);
    } catch (e) {
      this.log.error(
        `could not list unfinished ${this.options.noun}s; they resume at the next start or upload`,
        { error: e as Error },
      );
    }
  }

  private async run(queued: J): Promise<void> {
    const { noun, retryForMs } = this.options;
    // Re-read: another instance may have moved it on (or finished it) since it was queued.
    const job = await retryTransient(() => this.work.find(queued.id), { giveUpAfterMs: retryForMs });
    if (!job || !['RECEIVED', 'PROCESSING'].includes(job.status) || this.stopping) return;
    if (!existsSync(job.storagePath)) {
      await this.work.fail(job.id, `the uploaded file is no longer in storage; ${this.options.uploadAgain}`);
      return;
    }
    const start = await retryTransient(() => this.jobs.startAttempt(job.id), { giveUpAfterMs: retryForMs });
    if (!start) return;
    if (start.attempts > this.options.maxAttempts) {
      const reason = `set aside: processing this file stopped ${start.attempts - 1} times after line ${start.processedLines} without getting further (the process crashed or was killed while working on it); it is not resumed again`;
      await this.jobs.setAside(job.id, reason, this.now());
      this.log.error(`${noun} set aside`, { [this.idField]: job.id, reason });
      return;
    }
    const started = Date.now();
    this.log.info(`${noun} processing`, {
      [this.idField]: job.id,
      resumeAfterLine: job.processedLines,
      attempt: start.attempts,
    });
    try {
      let chunk: TabularRow[] = [];
      let at = job.processedLines;
      for await (const row of readTabularRows(job.storagePath, job.contentType)) {
        if (row.line <= at) continue;
        chunk.push(row);
        if (chunk.length >= this.options.chunkRows) {
          const from = at;
          const rows = chunk;
          at = rows[rows.length - 1].line;
          await this.inTransaction(job.id, at, async (m) => {
            await claimCheckpoint(m, this.options.table, job.id, from);
            await this.work.applyChunk(m, job, rows);
          });
          chunk = [];
          if (this.stopping) return; // resumes from the checkpoint at the next start
        }
      }
      const from = at;
      const last = chunk;
      await this.inTransaction(job.id, last.length ? last[last.length - 1].line : at, async (m) => {
        await claimCheckpoint(m, this.options.table, job.id, from);
        if (last.length > 0) await this.work.applyChunk(m, job, last);
        await this.work.complete(m, job);
      });
      this.log.info(`${noun} finished`, { [this.idField]: job.id, ms: Date.now() - started });
    } catch (e) {
      if (e instanceof CheckpointMovedError) {
        this.log.info(`${noun} continued by another instance`, { [this.idField]: job.id });
        return;
      }
      this.log.error(`${noun} failed`, { [this.idField]: job.id, error: e as Error });
      // FAILED is not final: the same file uploaded again resumes from the checkpoint.
      const reason = isTransientFailure(e)
        ? `the database was unavailable for ${Math.round(retryForMs / 1000)} s: ${this.options.uploadAgain} to resume`
        : maskResidentIdsInText((e as Error).message);
      await this.work.fail(job.id, reason).catch((err: unknown) =>
        this.log.warn(`could not mark the ${noun} failed; it stays PROCESSING`, {
          [this.idField]: job.id,
          error: (err as Error).message,
        }),
      );
    }
  }

  /**
   * One chunk's transaction, repeated from the start while it fails transiently. `expectedAfter` is
   * the checkpoint the chunk moves to: when a connection broke after the commit reached the server,
   * the repeat finds the checkpoint already there (or the job finished), which means done, not
   * "taken by another worker".
   */
  private async inTransaction(
    id: string,
    expectedAfter: number,
    work: (m: EntityManager) => Promise<void>,
  ): Promise<void> {
    let repeated = false;
    try {
      await retryTransient(() => this.dataSource.transaction(work), {
        giveUpAfterMs: this.options.retryForMs,
        shouldStop: () => this.stopping,
        onRetry: (e, attempt, delayMs) => {
          repeated = true;
          this.log.warn(`${this.options.noun} chunk failed transiently; retrying`, {
            [this.idField]: id,
            attempt,
            delayMs,
            error: (e as Error).message,
          });
        },
      });
    } catch (e) {
      if (repeated && e instanceof CheckpointMovedError) {
        const now = await this.work.find(id);
        if (now?.processedLines === expectedAfter) return;
      }
      throw e;
    }
  }
}
