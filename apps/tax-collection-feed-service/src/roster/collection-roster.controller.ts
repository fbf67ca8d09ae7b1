import { Controller, Get, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Writable } from 'node:stream';
import { COLLECTION_ROSTER_CURSOR } from '@urrbmi/contracts';
import { XLSX_TYPE } from '@urrbmi/files';
import { ApiErrors, Roles } from '@urrbmi/platform';
import {
  COLLECTION_ROSTER_FORMATS,
  CollectionRosterFormat,
  PullCollectionRosterHandler,
  PullCollectionRosterQuery,
} from './pull-collection-roster.handler';

type HttpBody = Writable & { setHeader(k: string, v: string): void };

/**
 * The roster the tax bureau collects against (参保人员清册推送). `cursor` is the `X-Next-Cursor` of
 * the previous pull: only what changed since comes back.
 */
@ApiTags('collection roster')
@ApiBearerAuth()
@Controller('v1/collection-roster')
export class CollectionRosterController {
  constructor(private readonly pullRoster: PullCollectionRosterHandler) {}

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
    example: '0',
    description:
      'X-Next-Cursor of the previous pull (`X.N`; a plain `N` from before is still accepted); 0 or absent for everything',
    schema: { type: 'string', pattern: COLLECTION_ROSTER_CURSOR.source, example: '0' },
  })
  @ApiQuery({ name: 'format', required: false, enum: COLLECTION_ROSTER_FORMATS })
  @ApiProduces('text/csv', XLSX_TYPE, 'application/x-ndjson')
  @ApiOkResponse({
    description: 'the enrollees changed since the cursor',
    headers: {
      'X-Next-Cursor': {
        description:
          'send as cursor next time for what changed since: `X.N`, the writing transaction and the change sequence of the last change served',
        schema: { type: 'string', example: '1873.52' },
      },
    },
  })
  @ApiErrors({ 400: ['INVALID_COMMAND'] })
  async roster(
    @Query('region') region: string,
    @Query('season', ParseIntPipe) season: number,
    @Res() res: HttpBody,
    @Query('cursor') cursor = '0',
    @Query('format') format: CollectionRosterFormat = 'csv',
  ) {
    const pull = await this.pullRoster.execute(
      PullCollectionRosterQuery.create({ region, season, cursor, format }),
    );
    res.setHeader('X-Next-Cursor', pull.nextCursor);
    res.setHeader('Content-Type', pull.contentType);
    if (pull.fileName) res.setHeader('Content-Disposition', `attachment; filename="${pull.fileName}"`);
    await pull.writeTo(res);
  }
}
