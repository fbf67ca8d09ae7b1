import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { DataSource, EntityManager } from 'typeorm';
import {
  FeedAccepted,
  PaymentRecorded,
  PaymentRecordedV1,
  PaymentReversed,
  PaymentReversedV1,
} from '@urrbmi/contracts';
import { maskResidentIdsInText, toShanghaiIso } from '@urrbmi/domain';
import { readTabularRows, TabularRow } from '@urrbmi/files';
import { OutboxWriter } from '@urrbmi/messaging';
import { CheckpointMovedError, claimCheckpoint } from '@urrbmi/persistence';
import { Clock, StructuredLogger } from '@urrbmi/platform';
import { PolicyRegistry } from '@urrbmi/policy';
import { FeedRow, isQuarantined, parseFeedRow } from './feed-row';
import { FeedException, FeedRecord, FeedRepository } from './feed.repository';

const CHUNK = 5000;

/**
 * Applies a stored feed in chunks of 5,000 rows. Each chunk's ledger rows, exceptions, outbox events
 * and the feed's checkpoint commit together: a crash resumes after the last committed chunk (at the
 * next start), and a voucher is recorded — and its event written — exactly once.
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

  async onApplicationBootstrap(): Promise<void> {
    for (const f of await this.feeds.processing()) void this.process(f);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.values());
  }

  /** Processes a feed (once, even if asked twice at the same time) and resolves when it is done. */
  process(feed: FeedRecord): Promise<void> {
    let p = this.running.get(feed.id);
    if (!p) {
      p = this.run(feed).finally(() => this.running.delete(feed.id));
      this.running.set(feed.id, p);
    }
    return p;
  }

  private async run(queued: FeedRecord): Promise<void> {
    // Re-read: another instance may have moved it on (or finished it) since.
    const feed = await this.feeds.find(queued.id);
    if (!feed || feed.status !== 'PROCESSING') return;
    if (!existsSync(feed.storagePath)) {
      await this.dataSource.transaction((m) =>
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
          await this.dataSource.transaction(async (m) => {
            await claimCheckpoint(m, 'tax_feed.feeds', feed.id, from);
            await this.applyIn(m, feed, rows, known);
          });
          at = rows[rows.length - 1].line;
          chunk = [];
          if (this.stopping) return;
        }
      }
      const last = chunk;
      await this.dataSource.transaction(async (m) => {
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
      await this.dataSource.transaction((m) =>
        this.feeds.finish(m, feed.id, 'FAILED', maskResidentIdsInText((e as Error).message)),
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
      const r = parseFeedRow(row.line, row.values, feed.regionCode, known);
      if (isQuarantined(r))
        exceptions.push({ ...r, kind: 'QUARANTINED', rawLine: Object.values(row.values).join(',') });
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
        payload: {
          voucherNo: p.voucherNo,
          idNumber: p.idNumber,
          name: p.name,
          regionCode: p.regionCode,
          townshipCode: p.townshipCode ?? undefined,
          villageCode: p.villageCode ?? undefined,
          season: p.season,
          amountFen: p.amountFen,
          channel: p.channel!,
          paidAt: toShanghaiIso(new Date(p.paidAt)),
          feedId: feed.id,
        } satisfies PaymentRecordedV1,
      })),
      ...appliedReversals.map((r) => ({
        type: PaymentReversed.type,
        version: PaymentReversed.version,
        correlationId: feed.id,
        payload: {
          voucherNo: r.voucherNo,
          originalVoucherNo: r.originalVoucherNo!,
          idNumber: r.idNumber,
          regionCode: r.regionCode,
          season: r.season,
          amountFen: r.amountFen,
          reversedAt: toShanghaiIso(new Date(r.paidAt)),
          feedId: feed.id,
        } satisfies PaymentReversedV1,
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
