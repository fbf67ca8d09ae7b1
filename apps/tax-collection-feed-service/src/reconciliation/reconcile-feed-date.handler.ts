import { Injectable } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import { IsCalendarDate, REGION_CODE } from '@urrbmi/contracts';
import { Command, CommandHandler } from '@urrbmi/platform';
import { ChannelFigure, FeedOfDay, ReconciliationRepository } from './reconciliation.repository';

/** 每日对账 for one payment date, optionally one region. */
export class ReconcileFeedDateQuery extends Command {
  @IsCalendarDate()
  date!: string;

  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a 6-digit code' })
  region?: string;
}

interface Figure {
  count: number;
  amountFen: number;
}

export interface ChannelReconciliation {
  channel: string;
  accepted: Figure;
  reversed: Figure;
  duplicates: Figure;
  quarantined: Figure;
}

export interface ReconciliationDifference {
  feedId?: string;
  regionCode: string;
  code: 'NOT_ACCEPTED' | 'AMOUNT_NOT_APPLIED' | 'ROWS_QUARANTINED' | 'FEED_MISSING';
  message: string;
}

export interface FeedDateReconciliation {
  date: string;
  feeds: {
    feedId: string;
    regionCode: string;
    status: string;
    late: boolean;
    declared: { count: number; totalFen: number };
    rows: number;
    applied: number;
    reversed: number;
    duplicates: number;
    quarantined: number;
    appliedTotalFen: number;
    receivedAt: Date;
  }[];
  byChannel: ChannelReconciliation[];
  differences: ReconciliationDifference[];
}

/** Adds ledger and exception figures into per-channel slots; a row without a channel is UNKNOWN. */
function byChannel(ledger: ChannelFigure[], exceptions: ChannelFigure[]): ChannelReconciliation[] {
  const channels = new Map<string, ChannelReconciliation>();
  const slot = (c: string | null) => {
    const channel = c ?? 'UNKNOWN';
    let s = channels.get(channel);
    if (!s) {
      const zero = () => ({ count: 0, amountFen: 0 });
      s = { channel, accepted: zero(), reversed: zero(), duplicates: zero(), quarantined: zero() };
      channels.set(channel, s);
    }
    return s;
  };
  const add = (f: Figure, x: ChannelFigure) => {
    f.count += x.count;
    f.amountFen += x.amountFen;
  };
  for (const a of ledger) add(slot(a.channel)[a.kind === 'PAYMENT' ? 'accepted' : 'reversed'], a);
  for (const e of exceptions) add(slot(e.channel)[e.kind === 'DUPLICATE' ? 'duplicates' : 'quarantined'], e);
  return [...channels.values()].sort((a, b) => a.channel.localeCompare(b.channel));
}

function feedDifferences(f: FeedOfDay): ReconciliationDifference[] {
  const out: ReconciliationDifference[] = [];
  const at = { feedId: f.id, regionCode: f.regionCode };
  if (f.status !== 'ACCEPTED') out.push({ ...at, code: 'NOT_ACCEPTED', message: `feed is ${f.status}` });
  if (f.declaredTotalFen !== f.appliedTotalFen)
    out.push({
      ...at,
      code: 'AMOUNT_NOT_APPLIED',
      message: `declared ${f.declaredTotalFen} fen, applied ${f.appliedTotalFen} fen: ${f.declaredTotalFen - f.appliedTotalFen} fen in duplicates or quarantine`,
    });
  if (f.quarantined > 0)
    out.push({ ...at, code: 'ROWS_QUARANTINED', message: `${f.quarantined} rows quarantined` });
  return out;
}

/**
 * 每日对账: for a payment date, what the tax bureau declared against what was applied, per feed and
 * per channel — accepted, reversed, duplicates, quarantined — with every difference named.
 */
@Injectable()
export class ReconcileFeedDateHandler implements CommandHandler<
  ReconcileFeedDateQuery,
  FeedDateReconciliation
> {
  constructor(private readonly repository: ReconciliationRepository) {}

  async execute(q: ReconcileFeedDateQuery): Promise<FeedDateReconciliation> {
    const region = q.region ?? null;
    const feeds = await this.repository.feedsOf(q.date, region);
    const ids = feeds.map((f) => f.id);
    const [ledger, exceptions, late] = await Promise.all([
      this.repository.ledgerFigures(ids),
      this.repository.exceptionFigures(ids),
      this.repository.lateFeedsOf(q.date, region),
    ]);
    const missing: ReconciliationDifference[] = late
      .filter((l) => !l.clearedBy)
      .map((l) => ({
        regionCode: l.regionCode,
        code: 'FEED_MISSING',
        message: `no feed for ${q.date} arrived by the 16:00 deadline`,
      }));
    return {
      date: q.date,
      feeds: feeds.map(({ id, declaredCount, declaredTotalFen, rowsRead, ...figures }) => ({
        feedId: id,
        ...figures,
        declared: { count: declaredCount, totalFen: declaredTotalFen },
        rows: rowsRead,
      })),
      byChannel: byChannel(ledger, exceptions),
      differences: [...feeds.flatMap(feedDifferences), ...missing],
    };
  }
}
