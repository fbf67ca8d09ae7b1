import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { DataSource, EntityManager } from 'typeorm';
import { FeedAccepted, PaymentRecorded, PaymentReversed } from '@urrbmi/contracts';
import { maskResidentIdsInText, toShanghaiIso } from '@urrbmi/domain';
import { readTabularRows, TabularRow } from '@urrbmi/files';
import { OutboxWriter } from '@urrbmi/messaging';
import {
  CheckpointMovedError,
  claimCheckpoint,
  isTransientFailure,
  retryTransient,
} from '@urrbmi/persistence';
import { Clock, StructuredLogger } from '@urrbmi/platform';
import { PolicyRegistry } from '@urrbmi/policy';
import {
  contractViolation,
  FeedRow,
  isQuarantined,
  parseFeedRow,
  paymentRecordedPayload,
  paymentReversedPayload,
} from './feed-row';
import { FeedException, FeedRecord, FeedRepository } from './feed.repository';

const CHUNK = 5000;
/** How long a chunk keeps being retried while the database is away or busy before the feed fails. */
const RETRY_FOR_MS = Number(process.env.FEED_RETRY_FOR_MS ?? 5 * 60_000);

/**
 * Applies a stored feed in chunks of 5,000 rows. Each chunk's ledger rows, exceptions, outbox events
 * and the feed's checkpoint commit together: a crash resumes after the last committed chunk (at the
 * next start, or when the same file is pushed again), and a voucher is recorded — and its event
 * written — exactly once. A chunk failing transiently (database away, deadlock, timeout) is retried
 * with backoff; a row that would break the database or the event contract is quarantined, never a
 * reason to fail the file.
 */
@Injectable()
export class FeedProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly feeds: FeedRepository,
    private readonly outbox: OutboxWriter,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
    private readonly logger: StructuredLogger,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a database that is slow to come back must neither block nor crash the boot.
    void this.resumeUnfinished();
  }

  private async resumeUnfinished(): Promise<void> {
    try {
      const unfinished = await retryTransient(() => this.feeds.processing(), {
        giveUpAfterMs: RETRY_FOR_MS,
        shouldStop: () => this.stopping,
      });
      for (const f of unfinished) if (!this.stopping) void this.process(f);
    } catch (e) {
      this.logger.error('could not list unfinished feeds; they resume at the next start or re-push', {
        error: e as Error,
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.values());
  }

  /**
   * Processes a feed (once, even if asked twice at the same time) and resolves when it is done or
   * has failed; never rejects: the outcome is the feed's status.
   */
  process(feed: FeedRecord): Promise<void> {
    let p = this.running.get(feed.id);
    if (!p) {
      p = this.run(feed)
        .catch((e: unknown) =>
          this.logger.error('feed processing stopped; it resumes at the next start or re-push', {
            feedId: feed.id,
            error: e as Error,
          }),
        )
        .finally(() => this.running.delete(feed.id));
      this.running.set(feed.id, p);
    }
    return p;
  }

  /**
   * One chunk's transaction, repeated from the start while it fails transiently. `expectedAfter` is
   * the checkpoint the chunk moves to: when a connection broke after the commit reached the server,
   * the repeat finds the checkpoint already there, which means done, not "taken by another worker".
   */
  private async inTransaction(
    feedId: string,
    work: (m: EntityManager) => Promise<void>,
    expectedAfter?: number,
  ): Promise<void> {
    let repeated = false;
    try {
      await retryTransient(() => this.dataSource.transaction(work), {
        giveUpAfterMs: RETRY_FOR_MS,
        shouldStop: () => this.stopping,
        onRetry: (e, attempt, delayMs) => {
          repeated = true;
          this.logger.warn('feed chunk failed transiently; retrying', {
            feedId,
            attempt,
            delayMs,
            error: (e as Error).message,
          });
        },
      });
    } catch (e) {
      if (repeated && e instanceof CheckpointMovedError && expectedAfter !== undefined) {
        const now = await this.feeds.find(feedId);
        if (now?.processedLines === expectedAfter) return;
      }
      throw e;
    }
  }

  private async run(queued: FeedRecord): Promise<void> {
    // Re-read: another instance may have moved it on (or finished it) since.
    const feed = await retryTransient(() => this.feeds.find(queued.id), { giveUpAfterMs: RETRY_FOR_MS });
    if (!feed || feed.status !== 'PROCESSING') return;
    if (!existsSync(feed.storagePath)) {
      await this.inTransaction(feed.id, (m) =>
        this.feeds.finish(m, feed.id, 'FAILED', 'the raw file is no longer in storage; push it again'),
      );
      return;
    }
    const started = Date.now();
    this.logger.info('feed processing', {
      feedId: feed.id,
      feedDate: feed.feedDate,
      region: feed.regionCode,
      resumeAfterLine: feed.processedLines,
    });
    const known = (region: string, season: number) => this.policies.find(region, season) !== undefined;
    try {
      let chunk: TabularRow[] = [];
      let at = feed.processedLines;
      for await (const row of readTabularRows(feed.storagePath, feed.contentType)) {
        if (row.line <= at) continue;
        chunk.push(row);
        if (chunk.length >= CHUNK) {
          const from = at;
          const rows = chunk;
          await this.inTransaction(
            feed.id,
            async (m) => {
              await claimCheckpoint(m, 'tax_feed.feeds', feed.id, from);
              await this.applyIn(m, feed, rows, known);
            },
            rows[rows.length - 1].line,
          );
          at = rows[rows.length - 1].line;
          chunk = [];
          if (this.stopping) return;
        }
      }
      const last = chunk;
      await this.inTransaction(feed.id, async (m) => {
        await claimCheckpoint(m, 'tax_feed.feeds', feed.id, at);
        if (last.length > 0) await this.applyIn(m, feed, last, known);
        await this.accept(m, feed.id);
      });
      this.logger.info('feed accepted', { feedId: feed.id, ms: Date.now() - started });
    } catch (e) {
      if (e instanceof CheckpointMovedError) {
        this.logger.info('feed continued by another instance', { feedId: feed.id });
        return;
      }
      this.logger.error('feed failed', { feedId: feed.id, error: e as Error });
      // FAILED is not final: pushing the same file again resumes it from its checkpoint. When the
      // database itself is what failed, the feed stays PROCESSING and resumes at the next start.
      const reason = isTransientFailure(e)
        ? `the database was unavailable for ${Math.round(RETRY_FOR_MS / 1000)} s: push the same file again to resume`
        : maskResidentIdsInText((e as Error).message);
      await this.dataSource
        .transaction((m) => this.feeds.finish(m, feed.id, 'FAILED', reason))
        .catch((err: unknown) =>
          this.logger.warn('could not mark the feed failed; it stays PROCESSING', {
            feedId: feed.id,
            error: (err as Error).message,
          }),
        );
    }
  }

  private async applyIn(
    m: EntityManager,
    feed: FeedRecord,
    rows: TabularRow[],
    known: (r: string, s: number) => boolean,
  ): Promise<void> {
    const exceptions: FeedException[] = [];
    const payments: FeedRow[] = [];
    const reversals: FeedRow[] = [];
    for (const row of rows) {
      const parsed = parseFeedRow(row.line, row.values, feed.regionCode, known);
      const r = isQuarantined(parsed) ? parsed : (contractViolation(parsed, feed.id) ?? parsed);
      if (isQuarantined(r))
        exceptions.push({
          ...r,
          kind: 'QUARANTINED',
          // Stored masked: the raw file (FEED_STORAGE_DIR) and the line number lead to the original.
          rawLine: maskResidentIdsInText(Object.values(row.values).join(',')),
        });
      else (r.kind === 'PAYMENT' ? payments : reversals).push(r);
    }
    // Payments: a voucher seen before, in any feed or earlier in this one, is a duplicate.
    const inserted = await this.feeds.insertLedger(m, feed.id, payments);
    const appliedPayments: FeedRow[] = [];
    const taken = new Set<string>();
    for (const p of payments) {
      if (inserted.has(p.voucherNo) && !taken.has(p.voucherNo)) {
        taken.add(p.voucherNo);
        appliedPayments.push(p);
      } else {
        exceptions.push({
          kind: 'DUPLICATE',
          line: p.line,
          code: 'DUPLICATE_VOUCHER',
          message: `voucher ${p.voucherNo} was recorded before`,
          voucherNo: p.voucherNo,
          channel: p.channel,
          amountFen: p.amountFen,
          idNumber: null,
        });
      }
    }
    // Reversals: need their original, the same person and amount, and never reverse twice.
    const seenReversal = await this.feeds.existingVouchers(
      m,
      reversals.map((r) => r.voucherNo),
    );
    const originals = await this.feeds.originals(
      m,
      reversals.map((r) => r.originalVoucherNo!),
    );
    const appliedReversals: (FeedRow & { originalChannel: string | null })[] = [];
    for (const r of reversals) {
      const o = originals.get(r.originalVoucherNo!);
      const base = {
        line: r.line,
        voucherNo: r.voucherNo,
        channel: r.channel,
        amountFen: r.amountFen,
        idNumber: null,
      };
      if (seenReversal.has(r.voucherNo)) {
        exceptions.push({
          ...base,
          kind: 'DUPLICATE',
          code: 'DUPLICATE_VOUCHER',
          message: `voucher ${r.voucherNo} was recorded before`,
        });
        continue;
      }
      seenReversal.add(r.voucherNo);
      if (!o || o.kind !== 'PAYMENT') {
        exceptions.push({
          ...base,
          kind: 'QUARANTINED',
          code: 'UNKNOWN_ORIGINAL',
          message: `original voucher ${r.originalVoucherNo} is not a recorded payment`,
        });
      } else if (o.reversedBy) {
        exceptions.push({
          ...base,
          kind: 'QUARANTINED',
          code: 'ALREADY_REVERSED',
          message: `original voucher ${r.originalVoucherNo} was already reversed by ${o.reversedBy}`,
        });
      } else if (o.idNumber !== r.idNumber || o.amountFen !== -r.amountFen) {
        exceptions.push({
          ...base,
          kind: 'QUARANTINED',
          code: 'REVERSAL_MISMATCH',
          message: `reversal does not match original voucher ${r.originalVoucherNo} (person or amount)`,
        });
      } else {
        o.reversedBy = r.voucherNo;
        appliedReversals.push({ ...r, originalChannel: o.channel });
      }
    }
    await this.feeds.insertLedger(
      m,
      feed.id,
      appliedReversals.map((r) => ({
        ...r,
        channel: r.channel ?? (r.originalChannel as FeedRow['channel']),
      })),
    );
    await this.feeds.markReversed(
      m,
      appliedReversals.map((r) => ({ original: r.originalVoucherNo!, reversal: r.voucherNo })),
    );
    await this.feeds.addExceptions(m, feed.id, exceptions);
    await this.outbox.publish(m, [
      ...appliedPayments.map((p) => ({
        type: PaymentRecorded.type,
        version: PaymentRecorded.version,
        correlationId: feed.id,
        payload: paymentRecordedPayload(p, feed.id),
      })),
      ...appliedReversals.map((r) => ({
        type: PaymentReversed.type,
        version: PaymentReversed.version,
        correlationId: feed.id,
        payload: paymentReversedPayload(r, feed.id),
      })),
    ]);
    const total =
      appliedPayments.reduce((s, p) => s + p.amountFen, 0) +
      appliedReversals.reduce((s, r) => s + r.amountFen, 0);
    await this.feeds.checkpoint(m, feed.id, rows[rows.length - 1].line, {
      rows: rows.length,
      applied: appliedPayments.length,
      reversed: appliedReversals.length,
      duplicates: exceptions.filter((e) => e.kind === 'DUPLICATE').length,
      quarantined: exceptions.filter((e) => e.kind === 'QUARANTINED').length,
      totalFen: total,
    });
  }

  /** Marks the feed accepted, clears its late alarm, and publishes feed.accepted — one transaction. */
  private async accept(m: EntityManager, feedId: string): Promise<void> {
    await this.feeds.finish(m, feedId, 'ACCEPTED');
    const [f] = await m.query(
      `SELECT id, to_char(feed_date, 'YYYY-MM-DD') AS feed_date, region_code, rows_read, applied, reversed, duplicates, quarantined,
              applied_total_fen::text, declared_total_fen::text, late FROM tax_feed.feeds WHERE id = $1`,
      [feedId],
    );
    await m.query(
      `UPDATE tax_feed.late_feeds SET cleared_by = $3, cleared_at = now() WHERE region_code = $1 AND feed_date = $2 AND cleared_at IS NULL`,
      [f.region_code, f.feed_date, feedId],
    );
    await this.outbox.publish(m, [
      {
        type: FeedAccepted.type,
        version: FeedAccepted.version,
        correlationId: feedId,
        payload: {
          feedId,
          feedDate: f.feed_date,
          regionCode: f.region_code,
          rows: f.rows_read,
          applied: f.applied,
          reversed: f.reversed,
          duplicates: f.duplicates,
          quarantined: f.quarantined,
          appliedTotalFen: Number(f.applied_total_fen),
          declaredTotalFen: Number(f.declared_total_fen),
          late: f.late,
          acceptedAt: toShanghaiIso(this.clock.now()),
        },
      },
    ]);
  }
}
