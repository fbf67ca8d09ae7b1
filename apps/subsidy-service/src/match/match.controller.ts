import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SubsidyTransferRequested } from '@urrbmi/contracts';
import { lastDayOfMonth, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, DomainError, Roles } from '@urrbmi/platform';
import { MatchCandidate, monthlyMatch, PolicyRegistry } from '@urrbmi/policy';
import { identitiesOf } from '../assessment/assessment.service';

export class MatchRunCommand {
  @ApiProperty({
    example: '2023-11',
    description: 'month M: people who paid in full by its end; transfers in M+1',
  })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}

/**
 * 当月参保、次月资助: the monthly match, on demand (the scheduler calls the same on the 1st). Running
 * a month again adds nothing: a person gets at most one transfer per season (a unique index), and
 * nothing is ever taken back.
 */
@ApiTags('monthly match')
@ApiBearerAuth()
@Controller('v1')
export class MatchController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  @Post('match-runs')
  @HttpCode(200)
  @Roles('mib')
  @ApiOperation({ summary: 'Run the monthly match for month M: one-card transfer instructions for M+1' })
  async run(@Body() cmd: MatchRunCommand) {
    const asOf = lastDayOfMonth(cmd.month);
    return this.dataSource.transaction(async (m) => {
      // One run at a time: concurrent runs of the same month would otherwise race on the same people.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('subsidy-match'))`);
      const rows: {
        id_number: string;
        season: number;
        region_code: string;
        paid_fen: number;
        paid_in_full_on: string;
        transferred: boolean;
      }[] = await m.query(
        `SELECT e.id_number, e.season, e.region_code, e.paid_fen, to_char(e.paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on,
                EXISTS (SELECT 1 FROM subsidy.transfers t WHERE t.id_number = e.id_number AND t.season = e.season AND t.status <> 'FAILED') AS transferred
           FROM subsidy.enrolments e
          WHERE e.status <> 'CANCELLED' AND e.paid_in_full_on IS NOT NULL AND e.paid_in_full_on <= $1::date`,
        [asOf],
      );
      const open = rows.filter((r) => !r.transferred);
      const identities = await identitiesOf(
        m,
        open.map((r) => r.id_number),
      );
      const created: {
        id: string;
        idNumber: string;
        season: number;
        regionCode: string;
        amountFen: number;
        category: string;
        route: string;
        transferMonth: string;
        reason: string;
      }[] = [];
      let skipped = rows.length - open.length;
      const byPolicy = new Map<string, { region: string; season: number; list: MatchCandidate[] }>();
      for (const r of open) {
        const p = this.policies.find(r.region_code, r.season);
        if (!p) {
          skipped++;
          continue;
        }
        const entry = byPolicy.get(p.id) ?? { region: r.region_code, season: r.season, list: [] };
        entry.list.push({
          idNumber: r.id_number,
          enrolmentRegionCode: r.region_code,
          paidFen: r.paid_fen,
          paidInFullOn: r.paid_in_full_on,
          subsidyEnjoyedFen: 0,
          alreadyTransferred: false,
          identities: identities.get(r.id_number) ?? [],
        });
        byPolicy.set(p.id, entry);
      }
      for (const { region, season, list } of byPolicy.values()) {
        const result = monthlyMatch(this.policies.get(region, season), cmd.month, list);
        skipped += result.skipped.length;
        for (const t of result.transfers)
          created.push({
            id: randomUUID(),
            idNumber: t.idNumber,
            season,
            regionCode: region,
            amountFen: t.amountFen,
            category: t.category,
            route: t.route,
            transferMonth: t.transferMonth,
            reason: t.reason,
          });
      }
      const inserted: { id: string }[] = created.length
        ? await m.query(
            `INSERT INTO subsidy.transfers (id, id_number, season, region_code, match_month, transfer_month, amount_fen, category, route, status, reason)
             SELECT id, i, s, r, $1, tm, a, c, rt, 'REQUESTED', why FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])
               AS x(id, i, s, r, tm, a, c, rt, why)
             ON CONFLICT (id_number, season) WHERE status <> 'FAILED' DO NOTHING RETURNING id`,
            [
              cmd.month,
              created.map((c) => c.id),
              created.map((c) => c.idNumber),
              created.map((c) => c.season),
              created.map((c) => c.regionCode),
              created.map((c) => c.transferMonth),
              created.map((c) => c.amountFen),
              created.map((c) => c.category),
              created.map((c) => c.route),
              created.map((c) => c.reason),
            ],
          )
        : [];
      const ids = new Set(inserted.map((r) => r.id));
      const fresh = created.filter((c) => ids.has(c.id));
      const requestedAt = toShanghaiIso(this.clock.now());
      await this.outbox.publish(
        m,
        fresh.map((c) => ({
          type: SubsidyTransferRequested.type,
          version: SubsidyTransferRequested.version,
          payload: {
            transferId: c.id,
            idNumber: c.idNumber,
            season: c.season,
            regionCode: c.regionCode,
            amountFen: c.amountFen,
            category: c.category,
            route: c.route,
            transferMonth: c.transferMonth,
            requestedAt,
          },
        })),
      );
      return {
        month: cmd.month,
        judgedOn: asOf,
        candidates: rows.length,
        transfersCreated: fresh.length,
        skipped,
        transfers: fresh.map((c) => ({
          transferId: c.id,
          idNumber: `${c.idNumber.slice(0, 6)}********${c.idNumber.slice(14)}`,
          amountFen: c.amountFen,
          category: c.category,
          route: c.route,
          transferMonth: c.transferMonth,
        })),
      };
    });
  }

  @Get('transfers')
  @Roles('mib', 'finance', 'civil-affairs', 'ops')
  @ApiOperation({ summary: 'Transfer instructions of a month, per payout route, with totals' })
  @ApiQuery({ name: 'month', example: '2023-12', description: 'the transfer month' })
  async transfers(@Query('month') month: string) {
    if (!/^\d{4}-\d{2}$/.test(month ?? '')) throw new DomainError('BAD_QUERY', 'month must be YYYY-MM', 400);
    const rows: {
      route: string;
      id: string;
      id_number: string;
      amount_fen: number;
      category: string;
      status: string;
    }[] = await this.dataSource.query(
      `SELECT route, id, id_number, amount_fen, category, status FROM subsidy.transfers WHERE transfer_month = $1 ORDER BY route, id_number`,
      [month],
    );
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
        idNumber: r.id_number,
        amountFen: r.amount_fen,
        category: r.category,
        status: r.status,
      });
      routes.set(r.route, g);
    }
    return { month, routes: [...routes.values()] };
  }
}
