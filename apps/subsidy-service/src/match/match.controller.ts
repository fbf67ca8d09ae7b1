import { Body, Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { DataSource } from 'typeorm';
import { SubsidyTransferSettled } from '@urrbmi/contracts';
import { maskResidentId, toShanghaiIso } from '@urrbmi/domain';
import { CsvCell, csvDocument, XLSX_TYPE, xlsxBuffer } from '@urrbmi/files';
import { OutboxWriter } from '@urrbmi/messaging';
import { ApiErrors, Clock, CurrentPrincipal, DomainError, Principal, Roles } from '@urrbmi/platform';
import { MonthlyMatchService } from './monthly-match.service';

export class MatchRunCommand {
  @ApiProperty({
    example: '2023-11',
    description: 'month M: people who paid in full by its end; transfers in M+1',
  })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}

export class SettlementResult {
  @ApiProperty()
  @IsUUID()
  transferId!: string;

  @ApiProperty({ enum: ['PAID', 'FAILED'] })
  @IsIn(['PAID', 'FAILED'])
  status!: 'PAID' | 'FAILED';

  @ApiPropertyOptional({ example: '账户已销户' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  failure?: string;
}

export class SettlementBatch {
  @ApiProperty({ type: [SettlementResult] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => SettlementResult)
  results!: SettlementResult[];
}

@ApiTags('monthly match')
@ApiBearerAuth()
@Controller('v1')
export class MatchController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly match: MonthlyMatchService,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  @Post('match-runs')
  @HttpCode(200)
  @Roles('mib')
  @ApiErrors({ 422: ['MONTH_NOT_ENDED'] })
  @ApiOperation({
    summary:
      'Run the monthly match for month M now (the scheduler runs it on the 1st): transfer instructions for M+1',
  })
  run(@Body() cmd: MatchRunCommand, @CurrentPrincipal() by: Principal) {
    return this.match.run(cmd.month, `api:${by.holder}`);
  }

  @Get('transfers')
  @Roles('mib', 'finance', 'civil-affairs', 'ops')
  @ApiOperation({
    summary:
      'Transfer instructions of a month per payout route, with totals (JSON, or an instruction file per route with format=csv)',
  })
  @ApiQuery({ name: 'month', example: '2023-12', description: 'the transfer month' })
  @ApiQuery({ name: 'route', required: false, example: 'ONE_CARD' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'] })
  @ApiErrors({ 400: ['BAD_QUERY'] })
  async transfers(
    @Query('month') month: string,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
    @Query('route') route?: string,
    @Query('format') format = 'json',
  ) {
    if (!/^\d{4}-\d{2}$/.test(month ?? '')) throw new DomainError('BAD_QUERY', 'month must be YYYY-MM', 400);
    const rows: {
      route: string;
      id: string;
      id_number: string;
      amount_fen: number;
      category: string;
      status: string;
      region_code: string;
    }[] = await this.dataSource.query(
      `SELECT route, id, id_number, amount_fen, category, status, region_code FROM subsidy.transfers
        WHERE transfer_month = $1 AND ($2::text IS NULL OR route = $2) ORDER BY route, id_number`,
      [month, route ?? null],
    );
    if (format === 'csv' || format === 'xlsx') {
      // The instruction file of a route: one line per transfer and a total line. ID numbers are masked
      // like every export; the transfer id is what the bank's result refers back to.
      const header = ['transfer_id', 'id_number', 'region_code', 'category', 'amount_fen', 'route', 'status'];
      const lines: CsvCell[][] = rows.map((r) => [
        r.id,
        maskResidentId(r.id_number),
        r.region_code,
        r.category,
        r.amount_fen,
        r.route,
        r.status,
      ]);
      lines.push([
        'TOTAL',
        rows.length,
        null,
        null,
        rows.reduce((s, r) => s + r.amount_fen, 0),
        route ?? null,
        null,
      ]);
      res.setHeader('Content-Disposition', `attachment; filename="transfers-${month}.${format}"`);
      if (format === 'xlsx') {
        res.setHeader('Content-Type', XLSX_TYPE);
        return new StreamableFile(await xlsxBuffer(month, header, lines));
      }
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      return csvDocument(header, lines);
    }
    const routes = new Map<
      string,
      { route: string; count: number; totalFen: number; instructions: object[] }
    >();
    for (const r of rows) {
      const g = routes.get(r.route) ?? { route: r.route, count: 0, totalFen: 0, instructions: [] };
      g.count++;
      g.totalFen += r.amount_fen;
      g.instructions.push({
        transferId: r.id,
        idNumber: maskResidentId(r.id_number),
        amountFen: r.amount_fen,
        category: r.category,
        status: r.status,
      });
      routes.set(r.route, g);
    }
    return { month, routes: [...routes.values()] };
  }

  @Post('transfers/settlements')
  @HttpCode(200)
  @Roles('mib', 'finance')
  @ApiOperation({
    summary:
      "The bank's results per instruction: PAID, or FAILED with the reason (a failed one is made again by the next run)",
  })
  settle(@Body() batch: SettlementBatch, @CurrentPrincipal() by: Principal) {
    return this.dataSource.transaction(async (m) => {
      const [updated]: [
        {
          id: string;
          id_number: string;
          season: number;
          amount_fen: number;
          status: 'PAID' | 'FAILED';
          failure: string | null;
        }[],
        number,
      ] = await m.query(
        `UPDATE subsidy.transfers t SET status = x.s, failure = x.f, settled_at = $5, settled_by = $4
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(id, s, f)
          WHERE t.id = x.id AND t.status = 'REQUESTED'
         RETURNING t.id, t.id_number, t.season, t.amount_fen, t.status, t.failure`,
        [
          batch.results.map((r) => r.transferId),
          batch.results.map((r) => r.status),
          batch.results.map((r) => r.failure ?? null),
          by.holder,
          this.clock.now(),
        ],
      );
      const settledAt = toShanghaiIso(this.clock.now());
      await this.outbox.publish(
        m,
        updated.map((u) => ({
          type: SubsidyTransferSettled.type,
          version: SubsidyTransferSettled.version,
          payload: {
            transferId: u.id,
            idNumber: u.id_number,
            season: u.season,
            status: u.status,
            amountFen: u.amount_fen,
            failure: u.failure ?? undefined,
            settledAt,
          },
        })),
      );
      const done = new Set(updated.map((u) => u.id));
      return {
        settled: updated.length,
        paid: updated.filter((u) => u.status === 'PAID').length,
        failed: updated.filter((u) => u.status === 'FAILED').length,
        // Unknown ids and transfers settled before change nothing; they are listed back.
        ignored: batch.results.filter((r) => !done.has(r.transferId)).map((r) => r.transferId),
      };
    });
  }
}
