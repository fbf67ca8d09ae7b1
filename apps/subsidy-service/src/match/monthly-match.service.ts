import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SubsidyTransferRequested } from '@urrbmi/contracts';
import { lastDayOfMonth, maskResidentId, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { MatchCandidate, monthlyMatch, PolicyRegistry } from '@urrbmi/policy';
import { identitiesOf } from '../assessment/assessment.service';

export interface MatchRunResult {
  month: string;
  judgedOn: string;
  candidates: number;
  transfersCreated: number;
  skipped: number;
  transfers: {
    transferId: string;
    idNumber: string;
    amountFen: number;
    category: string;
    route: string;
    transferMonth: string;
  }[];
}

/**
 * 当月参保、次月资助 for month M. Idempotent: a person gets at most one live transfer per season (a
 * unique index), so running M again adds nothing; a FAILED transfer frees the person for a later run.
 */
@Injectable()
export class MonthlyMatchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async run(month: string, trigger: string): Promise<MatchRunResult> {
    const asOf = lastDayOfMonth(month);
    return this.dataSource.transaction(async (m) => {
      // One run at a time: concurrent runs would race on the same people.
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
        const result = monthlyMatch(this.policies.get(region, season), month, list);
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
              month,
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
      await m.query(
        `INSERT INTO subsidy.match_runs (month, trigger, transfers_created) VALUES ($1, $2, $3)
         ON CONFLICT (month) DO UPDATE SET runs = subsidy.match_runs.runs + 1, last_run_at = now(), transfers_created = subsidy.match_runs.transfers_created + EXCLUDED.transfers_created`,
        [month, trigger, fresh.length],
      );
      return {
        month,
        judgedOn: asOf,
        candidates: rows.length,
        transfersCreated: fresh.length,
        skipped,
        transfers: fresh.map((c) => ({
          transferId: c.id,
          idNumber: maskResidentId(c.idNumber),
          amountFen: c.amountFen,
          category: c.category,
          route: c.route,
          transferMonth: c.transferMonth,
        })),
      };
    });
  }

  /** Whether month M was matched already (by the scheduler or on demand). */
  async hasRun(month: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM subsidy.match_runs WHERE month = $1`, [month]);
    return rows.length > 0;
  }
}
