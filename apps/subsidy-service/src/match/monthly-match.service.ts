import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SubsidyTransferRequested } from '@urrbmi/contracts';
import { addDays, lastDayOfMonth, maskResidentId, toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, DomainError } from '@urrbmi/platform';
import { MatchCandidate, MatchSkipCode, monthlyMatch, PolicyRegistry } from '@urrbmi/policy';
import { identitiesOf } from '../assessment/assessment.service';

const PAGE = 5000;

export interface MatchRunResult {
  month: string;
  judgedOn: string;
  candidates: number;
  transfersCreated: number;
  skipped: number;
  /** Who was not paid and why (the first 1,000; ID numbers masked). */
  skippedPeople: { idNumber: string; code: MatchSkipCode; reason: string }[];
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
    // Judged on the month's last day: before it has passed, people certified or paying later in
    // the month would be missed, and a month is matched once.
    const today = this.clock.today();
    if (asOf >= today)
      throw new DomainError(
        'MONTH_NOT_ENDED',
        `month ${month} has not ended by the service clock (today is ${today}); it can be matched from ${addDays(asOf, 1)}`,
        422,
        { month, today },
      );
    return this.dataSource.transaction(async (m) => {
      // One run at a time: concurrent runs would race on the same people.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('subsidy-match'))`);
      const result: MatchRunResult = {
        month,
        judgedOn: asOf,
        candidates: 0,
        transfersCreated: 0,
        skipped: 0,
        skippedPeople: [],
        transfers: [],
      };
      // Keyset pages of candidates: bounded memory whatever the number of enrolments, and three
      // statements per page (candidates, their identities, the transfers with their events).
      let after: [string, number] = ['', 0];
      for (;;) {
        const rows: {
          id_number: string;
          season: number;
          region_code: string;
          paid_fen: number;
          paid_in_full_on: string;
          subsidy_enjoyed_fen: number;
        }[] = await m.query(
          `SELECT e.id_number, e.season, e.region_code, e.paid_fen, to_char(e.paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on,
                  e.subsidy_enjoyed_fen
             FROM subsidy.enrolments e
            WHERE e.paid_in_full_on IS NOT NULL AND e.paid_in_full_on <= $1::date AND e.status NOT IN ('CANCELLED', 'REFUNDED')
              AND (e.id_number, e.season) > ($2::text, $3::int)
              AND NOT EXISTS (SELECT 1 FROM subsidy.transfers t WHERE t.id_number = e.id_number AND t.season = e.season AND t.status <> 'FAILED')
              -- Only people holding some identity on the day: nobody else can be owed a subsidy.
              AND EXISTS (SELECT 1 FROM subsidy.identities i WHERE i.id_number = e.id_number
                            AND i.valid_from <= $1::date AND (i.valid_to IS NULL OR i.valid_to >= $1::date))
            ORDER BY e.id_number, e.season LIMIT ${PAGE}`,
          [asOf, after[0], after[1]],
        );
        if (rows.length === 0) break;
        after = [rows[rows.length - 1].id_number, rows[rows.length - 1].season];
        result.candidates += rows.length;
        const { fresh, skipped } = await this.matchPage(m, month, rows);
        result.skipped += rows.length - fresh.length;
        if (result.skippedPeople.length < 1000)
          result.skippedPeople.push(...skipped.slice(0, 1000 - result.skippedPeople.length));
        result.transfersCreated += fresh.length;
        if (result.transfers.length < 1000)
          result.transfers.push(...fresh.slice(0, 1000 - result.transfers.length));
      }
      await m.query(
        `INSERT INTO subsidy.match_runs (month, trigger, transfers_created, first_run_at, last_run_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (month) DO UPDATE SET runs = subsidy.match_runs.runs + 1, last_run_at = EXCLUDED.last_run_at, transfers_created = subsidy.match_runs.transfers_created + EXCLUDED.transfers_created`,
        [month, trigger, result.transfersCreated, this.clock.now()],
      );
      return result;
    });
  }

  private async matchPage(
    m: EntityManager,
    month: string,
    rows: {
      id_number: string;
      season: number;
      region_code: string;
      paid_fen: number;
      paid_in_full_on: string;
      subsidy_enjoyed_fen: number;
    }[],
  ): Promise<{ fresh: MatchRunResult['transfers']; skipped: MatchRunResult['skippedPeople'] }> {
    const identities = await identitiesOf(
      m,
      rows.map((r) => r.id_number),
    );
    const byPolicy = new Map<string, { region: string; season: number; list: MatchCandidate[] }>();
    for (const r of rows) {
      const p = this.policies.find(r.region_code, r.season);
      if (!p) continue;
      const entry = byPolicy.get(p.id) ?? { region: r.region_code, season: r.season, list: [] };
      entry.list.push({
        idNumber: r.id_number,
        enrolmentRegionCode: r.region_code,
        paidFen: r.paid_fen,
        paidInFullOn: r.paid_in_full_on,
        subsidyEnjoyedFen: r.subsidy_enjoyed_fen,
        alreadyTransferred: false,
        identities: identities.get(r.id_number) ?? [],
      });
      byPolicy.set(p.id, entry);
    }
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
    const skipped: MatchRunResult['skippedPeople'] = [];
    for (const { region, season, list } of byPolicy.values()) {
      const matched = monthlyMatch(this.policies.get(region, season), month, list);
      for (const s of matched.skipped) skipped.push({ ...s, idNumber: maskResidentId(s.idNumber) });
      for (const t of matched.transfers) {
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
    }
    if (created.length === 0) return { fresh: [], skipped };
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO subsidy.transfers (id, id_number, season, region_code, match_month, transfer_month, amount_fen, category, route, status, reason, created_at)
       SELECT id, i, s, r, $1, tm, a, c, rt, 'REQUESTED', why, $11::timestamptz FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])
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
        this.clock.now(),
      ],
    );
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
      skipped,
      fresh: fresh.map((c) => ({
        transferId: c.id,
        idNumber: maskResidentId(c.idNumber),
        amountFen: c.amountFen,
        category: c.category,
        route: c.route,
        transferMonth: c.transferMonth,
      })),
    };
  }

  /** Whether month M was matched already (by the scheduler or on demand). */
  async hasRun(month: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM subsidy.match_runs WHERE month = $1`, [month]);
    return rows.length > 0;
  }
}
