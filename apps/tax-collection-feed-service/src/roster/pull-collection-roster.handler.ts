import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { Writable } from 'node:stream';
import { COLLECTION_ROSTER_CURSOR, REGION_CODE } from '@urrbmi/contracts';
import { csvLine, written, XLSX_TYPE, XlsxListWriter } from '@urrbmi/files';
import { Command, CommandHandler } from '@urrbmi/platform';
import { setTimeout as delay } from 'node:timers/promises';
import { CollectionRosterEntry, RosterPosition, RosterRepository } from './roster.repository';

const PAGE = 5000;
/**
 * How long a pull waits for the transactions that had written when it started (those below its
 * snapshot's horizon), so that what committed before it started is in it.
 */
const WAIT_FOR_RUNNING_MS = 5000;

/** A plain `N` covered only changes made before they had a transaction, all of which have 0. */
function positionOf(cursor: string): RosterPosition {
  const [xid, seq] = cursor.includes('.') ? cursor.split('.') : ['0', cursor];
  return { xid, seq };
}

const cursorOf = (p: RosterPosition) => `${p.xid}.${p.seq}`;

const isAfter = (a: RosterPosition, b: RosterPosition) =>
  BigInt(a.xid) > BigInt(b.xid) || (a.xid === b.xid && BigInt(a.seq) > BigInt(b.seq));
const HEADER = [
  'id_number',
  'name',
  'region_code',
  'township_code',
  'village_code',
  'season',
  'status',
  'amount_due_fen',
  'change_seq',
];
export const COLLECTION_ROSTER_FORMATS = ['csv', 'xlsx', 'ndjson'] as const;
export type CollectionRosterFormat = (typeof COLLECTION_ROSTER_FORMATS)[number];

/** 参保人员清册推送: one pull of a region's roster for a season, from a cursor. */
export class PullCollectionRosterQuery extends Command {
  @Matches(REGION_CODE, { message: 'region must be a 6-digit code' })
  region!: string;

  @Max(2100)
  @Min(2000)
  @IsInt()
  season!: number;

  @Matches(COLLECTION_ROSTER_CURSOR, { message: 'cursor must be the X-Next-Cursor of a previous pull' })
  cursor: string = '0';

  @IsIn(COLLECTION_ROSTER_FORMATS, { message: `format is one of ${COLLECTION_ROSTER_FORMATS.join(', ')}` })
  format: CollectionRosterFormat = 'csv';
}

/** What a pull answers: where the next one starts, how the body is typed, and the body itself. */
export interface CollectionRosterPull {
  nextCursor: string;
  contentType: string;
  fileName: string | null;
  writeTo(out: Writable): Promise<void>;
}

const CONTENT_TYPES: Record<CollectionRosterFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: XLSX_TYPE,
  ndjson: 'application/x-ndjson',
};

function cells(e: CollectionRosterEntry) {
  return [
    e.idNumber,
    e.name,
    e.regionCode,
    e.townshipCode,
    e.villageCode,
    e.season,
    e.status,
    e.amountDueFen,
    e.changeSeq,
  ];
}

/**
 * Every enrolled person of a region and season with the amount due, streamed page by page. Everything
 * committed before the pull started is in it (it waits up to 5 s for transactions that had written
 * by then);
 * later changes, and changes of a transaction that ran longer, come with the next cursor. Changes are
 * ordered by writing transaction: with several consumers writing at once, sequence values commit out
 * of order, and a cursor past a value drawn by a transaction still running would skip its change.
 */
@Injectable()
export class PullCollectionRosterHandler implements CommandHandler<
  PullCollectionRosterQuery,
  CollectionRosterPull
> {
  constructor(private readonly roster: RosterRepository) {}

  async execute(q: PullCollectionRosterQuery): Promise<CollectionRosterPull> {
    const after = positionOf(q.cursor);
    const start = await this.roster.pullBound(q.region, q.season);
    let bound = start;
    for (const until = Date.now() + WAIT_FOR_RUNNING_MS; ;) {
      const startersRunning = BigInt(bound.below) < BigInt(start.horizon);
      if (!bound.heldBack || !startersRunning || Date.now() >= until) break;
      await delay(50);
      bound = await this.roster.pullBound(q.region, q.season);
    }
    const next = isAfter(bound.upto, after) ? bound.upto : after;
    return {
      nextCursor: cursorOf(next),
      contentType: CONTENT_TYPES[q.format],
      fileName: q.format === 'ndjson' ? null : `collection-roster-${q.region}-${q.season}.${q.format}`,
      writeTo: (out) => this.stream(q, next, out),
    };
  }

  private async stream(q: PullCollectionRosterQuery, upto: RosterPosition, out: Writable): Promise<void> {
    const xlsx = q.format === 'xlsx' ? new XlsxListWriter(out, `${q.region}-${q.season}`, HEADER) : undefined;
    if (q.format === 'csv') out.write(csvLine(HEADER));
    for (let after = positionOf(q.cursor); ;) {
      const { entries: page, last } = await this.roster.changedBetween(q.region, q.season, after, upto, PAGE);
      if (!last) break;
      if (xlsx) xlsx.add(page.map(cells));
      else if (q.format === 'csv') await written(out, page.map((e) => csvLine(cells(e))).join(''));
      else await written(out, page.map((e) => `${JSON.stringify(e)}\n`).join(''));
      after = last;
    }
    if (xlsx) await xlsx.finish();
    else out.end();
  }
}
