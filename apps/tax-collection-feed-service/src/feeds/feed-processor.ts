import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FeedAccepted, PaymentRecorded, PaymentReversed } from '@urrbmi/contracts';
import { maskResidentIdsInText, toShanghaiIso } from '@urrbmi/domain';
import { FileJobRunner, TabularRow } from '@urrbmi/files';
import { OutboxWriter } from '@urrbmi/messaging';
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
import { FeedSettings } from './feed-settings';
import { FeedException, FeedRecord, FeedRepository } from './feed.repository';

const CHUNK = 5000;

/**
 * Applies a stored feed in chunks of 5,000 rows through the shared file job (`FileJobRunner`): each
 * chunk's ledger rows, exceptions, outbox events and the feed's checkpoint commit together, so a
 * crash resumes after the last committed chunk (at the next start, or when the same file is pushed
 * again), and a voucher is recorded — and its event written — exactly once. A chunk failing
 * transiently (database away, deadlock, timeout) is retried with backoff; a row that would break the
 * database or the event contract is quarantined, never a reason to fail the file; a feed that keeps
 * crashing the service is set aside as FAILED.
 */
@Injectable()
export class FeedProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: FileJobRunner<FeedRecord>;

  constructor(
    dataSource: DataSource,
    private readonly feeds: FeedRepository,
    private readonly outbox: OutboxWriter,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
    logger: StructuredLogger,
    settings: FeedSettings,
  ) {
    this.runner = new FileJobRunner(
      dataSource,
      {
        find: (id) => this.feeds.find(id),
        unfinished: () => this.feeds.processing(),
        applyChunk: (m, feed, rows) => this.applyIn(m, feed, rows),
        complete: (m, feed) => this.accept(m, feed.id),
        fail: (id, reason) => this.feeds.markFailed(id, reason),
      },
      {
        table: 'tax_feed.feeds',
        noun: 'feed',
        chunkRows: CHUNK,
        retryForMs: settings.FEED_RETRY_FOR_MS,
        maxAttempts: settings.FEED_MAX_ATTEMPTS,
        rawRetentionDays: settings.FEED_RAW_RETENTION_DAYS,
        oneAtATime: false,
        uploadAgain: 'push it again',
      },
      logger,
      () => this.clock.now(),
    );
  }

  /**
   * Processes a feed (once, even if asked twice at the same time) and resolves when it is done, has
   * failed or was set aside; never rejects: the outcome is the feed's status.
   */
  process(feed: FeedRecord): Promise<void> {
    return this.runner.process(feed);
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  private async applyIn(m: EntityManager, feed: FeedRecord, rows: TabularRow[]): Promise<void> {
    const known = (region: string, season: number) => this.policies.find(region, season) !== undefined;
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
    const f = await this.feeds.acceptedFigures(m, feedId);
    await this.feeds.clearLateAlarm(m, f.regionCode, f.feedDate, feedId);
    await this.outbox.publish(m, [
      {
        type: FeedAccepted.type,
        version: FeedAccepted.version,
        correlationId: feedId,
        payload: { feedId, ...f, acceptedAt: toShanghaiIso(this.clock.now()) },
      },
    ]);
  }
}
