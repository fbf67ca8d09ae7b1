import { Controller, Get, ParseIntPipe, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { maskResidentId } from '@urrbmi/domain';
import { CsvCell, csvDocument, XLSX_TYPE, xlsxBuffer } from '@urrbmi/files';
import { ApiErrors, DomainError, Roles } from '@urrbmi/platform';
import { PolicyRegistry, ruleFor, SubsidyCategory } from '@urrbmi/policy';

/**
 * 代缴名单: fully subsidised people (FULL mode) who have not been paid for yet, per funding source,
 * so the paying department can pay their contributions (they arrive back as PROXY payments).
 */
@ApiTags('assessments')
@ApiBearerAuth()
@Controller('v1/proxy-payments')
export class ProxyPaymentsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
  ) {}

  @Get()
  @Roles('mib', 'civil-affairs', 'finance', 'ops')
  @ApiOperation({ summary: 'Fully subsidised people still to be paid for, per funding source, with totals' })
  @ApiQuery({ name: 'region', example: '620725' })
  @ApiQuery({ name: 'season', example: 2023 })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'] })
  @ApiErrors({ 400: ['BAD_QUERY'], 422: ['NO_POLICY'] })
  async list(
    @Query('region') region: string,
    @Query('season', ParseIntPipe) season: number,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
    @Query('format') format = 'json',
  ) {
    if (!/^\d{6}$/.test(region ?? ''))
      throw new DomainError('BAD_QUERY', 'region must be a 6-digit code', 400);
    const policy = this.policies.find(region, season);
    if (!policy) throw new DomainError('NO_POLICY', `no policy for region ${region} season ${season}`, 422);
    const rows: { id_number: string; category: string; subsidy_fen: number }[] = await this.dataSource.query(
      `SELECT a.id_number, a.category, a.subsidy_fen FROM subsidy.assessments a
         JOIN subsidy.enrolments e ON e.id_number = a.id_number AND e.season = a.season
        WHERE a.season = $1 AND e.region_code = $2 AND a.mode = 'FULL' AND e.status NOT IN ('CANCELLED', 'REFUNDED') AND e.paid_in_full_on IS NULL
        ORDER BY a.category, a.id_number`,
      [season, region],
    );
    const byFunding = new Map<
      string,
      { funding: string; count: number; totalFen: number; people: object[] }
    >();
    for (const r of rows) {
      const funding = ruleFor(policy, r.category as SubsidyCategory)?.funding ?? 'NOT_STATED';
      const g = byFunding.get(funding) ?? { funding, count: 0, totalFen: 0, people: [] };
      g.count++;
      g.totalFen += r.subsidy_fen;
      g.people.push({
        idNumber: maskResidentId(r.id_number),
        category: r.category,
        amountFen: r.subsidy_fen,
      });
      byFunding.set(funding, g);
    }
    if (format === 'csv' || format === 'xlsx') {
      const header = ['funding', 'id_number', 'category', 'amount_fen'];
      const lines: CsvCell[][] = [];
      for (const g of byFunding.values()) {
        for (const p of g.people as { idNumber: string; category: string; amountFen: number }[])
          lines.push([g.funding, p.idNumber, p.category, p.amountFen]);
        lines.push([g.funding, `TOTAL ${g.count}`, null, g.totalFen]);
      }
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="proxy-payments-${region}-${season}.${format}"`,
      );
      if (format === 'xlsx') {
        res.setHeader('Content-Type', XLSX_TYPE);
        return new StreamableFile(await xlsxBuffer('代缴名单', header, lines));
      }
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      return csvDocument(header, lines);
    }
    return { region, season, policyId: policy.id, fundingSources: [...byFunding.values()] };
  }
}
