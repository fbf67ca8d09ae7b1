import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { Writable } from 'node:stream';
import { REGION_CODE } from '@urrbmi/contracts';
import { csvLine, XLSX_TYPE, XlsxListWriter } from '@urrbmi/files';
import { Command, CommandHandler } from '@urrbmi/platform';
import { CollectionRosterEntry, RosterRepository } from './roster.repository';

const PAGE = 5000;
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

  @Matches(/^\d{1,18}$/, { message: 'cursor must be the X-Next-Cursor of a previous pull' })
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

function written(out: Writable, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r));
}

/**
 * Every enrolled person of a region and season with the amount due, streamed page by page. Everything
 * changed up to the pull's start is in it; later changes come with the next cursor.
 */
@Injectable()
export class PullCollectionRosterHandler implements CommandHandler<
  PullCollectionRosterQuery,
  CollectionRosterPull
> {
  constructor(private readonly roster: RosterRepository) {}

  async execute(q: PullCollectionRosterQuery): Promise<CollectionRosterPull> {
    const upto = await this.roster.lastChange(q.region, q.season);
    const next = BigInt(upto) > BigInt(q.cursor) ? upto : q.cursor;
    return {
      nextCursor: next,
      contentType: CONTENT_TYPES[q.format],
      fileName: q.format === 'ndjson' ? null : `collection-roster-${q.region}-${q.season}.${q.format}`,
      writeTo: (out) => this.stream(q, next, out),
    };
  }

  private async stream(q: PullCollectionRosterQuery, upto: string, out: Writable): Promise<void> {
    const xlsx = q.format === 'xlsx' ? new XlsxListWriter(out, `${q.region}-${q.season}`, HEADER) : undefined;
    if (q.format === 'csv') out.write(csvLine(HEADER));
    for (let after = q.cursor; ;) {
      const page = await this.roster.changedBetween(q.region, q.season, after, upto, PAGE);
      if (page.length === 0) break;
      if (xlsx) xlsx.add(page.map(cells));
      else if (q.format === 'csv') await written(out, page.map((e) => csvLine(cells(e))).join(''));
      else await written(out, page.map((e) => `${JSON.stringify(e)}\n`).join(''));
      after = page[page.length - 1].changeSeq;
    }
    if (xlsx) await xlsx.finish();
    else out.end();
  }
}
