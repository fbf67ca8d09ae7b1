import { Controller, Get, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { csvLine, XLSX_TYPE, XlsxListWriter } from '@urrbmi/files';
import { ApiErrors, DomainError, Roles } from '@urrbmi/platform';

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
const FORMATS = ['csv', 'xlsx', 'ndjson'];

/**
 * The roster the tax bureau collects against (参保人员清册推送): every enrolled person of a region and
 * season with the amount due, streamed. `cursor` is the `X-Next-Cursor` of the previous pull: only
 * what changed since comes back.
 */
@ApiTags('collection roster')
@ApiBearerAuth()
@Controller('v1/collection-roster')
export class CollectionRosterController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('tax', 'mib')
  @ApiOperation({
    summary:
      'Enrollees with their amount due in fen, as CSV (RFC 4180), XLSX (format=xlsx) or NDJSON (format=ndjson), incremental by cursor',
    description:
      'CSV quotes a field holding a comma, quote or line break (names such as 欧阳,明 come back exactly) and prefixes a text cell starting with = + - @ with an apostrophe so that a spreadsheet never runs it; XLSX keeps every name exactly, as text.',
  })
  @ApiQuery({ name: 'region', example: '620725' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({
    name: 'cursor',
    required: false,
    type: String,
    example: '0',
    description: 'X-Next-Cursor of the previous pull; 0 or absent for everything',
  })
  @ApiQuery({ name: 'format', required: false, enum: FORMATS })
  @ApiProduces('text/csv', XLSX_TYPE, 'application/x-ndjson')
  @ApiOkResponse({
    description: 'the enrollees changed since the cursor',
    headers: {
      'X-Next-Cursor': {
        description: 'send as cursor next time for what changed since',
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrors({ 400: ['BAD_QUERY'] })
  async roster(
    @Query('region') region: string,
    @Query('season', ParseIntPipe) season: number,
    @Res()
    res: Writable & { setHeader(k: string, v: string): void },
    @Query('cursor') cursorText = '0',
    @Query('format') format = 'csv',
  ) {
    if (!/^\d{6}$/.test(region ?? ''))
      throw new DomainError('BAD_QUERY', 'region must be a 6-digit code', 400);
    if (!/^\d{1,18}$/.test(cursorText))
      throw new DomainError('BAD_QUERY', 'cursor must be the X-Next-Cursor of a previous pull', 400);
    if (!FORMATS.includes(format))
      throw new DomainError('BAD_QUERY', `format is one of ${FORMATS.join(', ')}`, 400);
    // Everything up to this change is in this pull; later changes come with the next cursor.
    const [{ upto }] = await this.dataSource.query(
      `SELECT coalesce(max(change_seq), 0)::text AS upto FROM tax_feed.roster WHERE region_code = $1 AND season = $2`,
      [region, season],
    );
    const next = BigInt(upto) > BigInt(cursorText) ? upto : cursorText;
    res.setHeader('X-Next-Cursor', next);
    res.setHeader(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : format === 'xlsx' ? XLSX_TYPE : 'application/x-ndjson',
    );
    if (format !== 'ndjson')
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="collection-roster-${region}-${season}.${format}"`,
      );
    const xlsx = format === 'xlsx' ? new XlsxListWriter(res, `${region}-${season}`, HEADER) : undefined;
    if (format === 'csv') res.write(csvLine(HEADER));
    const write = (s: string) =>
      res.write(s) ? Promise.resolve() : new Promise<void>((r) => res.once('drain', r));
    for (let after = cursorText; ;) {
      const rows: Record<string, string | number | null>[] = await this.dataSource.query(
        `SELECT id_number, name, region_code, township_code, village_code, season, status,
                coalesce(assessed_due_fen, registered_due_fen) AS amount_due_fen, change_seq::text
           FROM tax_feed.roster roster WHERE region_code = $1 AND season = $2 AND status <> 'PENDING'
            AND change_seq > $3::bigint AND change_seq <= $4::bigint ORDER BY roster.change_seq LIMIT ${PAGE}`,
        [region, season, after, next],
      );
      if (rows.length === 0) break;
      const cells = rows.map((r) => [
        r.id_number,
        r.name,
        r.region_code,
        r.township_code,
        r.village_code,
        Number(r.season),
        r.status,
        Number(r.amount_due_fen),
        String(r.change_seq),
      ]);
      if (xlsx) xlsx.add(cells);
      else if (format === 'csv') await write(cells.map(csvLine).join(''));
      else
        await write(
          rows
            .map(
              (r) =>
                `${JSON.stringify({ idNumber: r.id_number, name: r.name, regionCode: r.region_code, townshipCode: r.township_code, villageCode: r.village_code, season: r.season, status: r.status, amountDueFen: r.amount_due_fen, changeSeq: r.change_seq })}\n`,
            )
            .join(''),
        );
      after = String(rows[rows.length - 1].change_seq);
    }
    if (xlsx) await xlsx.finish();
    else res.end();
  }
}
