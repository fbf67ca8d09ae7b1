import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SubsidyTransferRequested } from '@urrbmi/contracts';
import { addDays, lastDayOfMonth, maskResidentId, toShanghaiIso } from '@urrbmi/domain';
import { inTransaction } from '@urrbmi/persistence';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, Command } from '@urrbmi/platform';
import { MatchCandidate, MatchSkipCode, monthlyMatch, PolicyRegistry } from '@urrbmi/policy';
import { IdentityRepository } from '../assessment/identity.repository';
import { EnrolmentRepository, MatchCandidateRow } from '../assessment/enrolment.repository';
import { MatchErrors } from './match.errors';
import { MatchRunRepository } from './match-run.repository';
import { NewTransfer, TransferRepository } from './transfer.repository';

const PAGE = 5000;
const LISTED = 1000;

/** `POST /v1/match-runs` body. */
export class MatchRunBody extends Command {
  @ApiProperty({
    example: '2023-11',
    description: 'month M: people who paid in full by its end; transfers in M+1',
  })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}

/** `RunMonthlyMatch` for month M, from the API (`api:<holder>`) or the scheduler (`schedule`). */
export class RunMonthlyMatchCommand extends MatchRunBody {
  @MaxLength(200)
  @IsString()
  trigger!: string;
}

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
 * Judged on the month's last day: before it has passed, people certified or paying later in the
 * month would be missed, and a month is matched once.
 */
@Injectable()
export class RunMonthlyMatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly enrolments: EnrolmentRepository,
    private readonly identities: IdentityRepository,
    private readonly transfers: TransferRepository,
    private readonly runs: MatchRunRepository,
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async execute(cmd: RunMonthlyMatchCommand): Promise<MatchRunResult> {
    const { month } = cmd;
    const asOf = lastDayOfMonth(month);
    const today = this.clock.today();
    if (asOf >= today)
      throw MatchErrors.MONTH_NOT_ENDED(
        `month ${month} has not ended by the service clock (today is ${today}); it can be matched from ${addDays(asOf, 1)}`,
        { month, today },
      );
    return inTransaction(this.dataSource, async (m) => {
      await this.runs.lockRuns(m);
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
        const rows = await this.enrolments.matchCandidates(m, asOf, after, PAGE);
        if (rows.length === 0) break;
        after = [rows[rows.length - 1].idNumber, rows[rows.length - 1].season];
        result.candidates += rows.length;
        const { fresh, skipped } = await this.matchPage(m, month, rows);
        result.skipped += rows.length - fresh.length;
        result.skippedPeople.push(...skipped.slice(0, LISTED - result.skippedPeople.length));
        result.transfersCreated += fresh.length;
        result.transfers.push(...fresh.slice(0, LISTED - result.transfers.length));
      }
      await this.runs.record(m, month, cmd.trigger, result.transfersCreated, this.clock.now());
      return result;
    });
  }

  private async matchPage(
    m: EntityManager,
    month: string,
    rows: MatchCandidateRow[],
  ): Promise<{ fresh: MatchRunResult['transfers']; skipped: MatchRunResult['skippedPeople'] }> {
    const identities = await this.identities.of(
      m,
      rows.map((r) => r.idNumber),
    );
    const byPolicy = new Map<string, { region: string; season: number; list: MatchCandidate[] }>();
    for (const r of rows) {
      const p = this.policies.find(r.regionCode, r.season);
      if (!p) continue;
      const entry = byPolicy.get(p.id) ?? { region: r.regionCode, season: r.season, list: [] };
      entry.list.push({
        idNumber: r.idNumber,
        enrolmentRegionCode: r.regionCode,
        paidFen: r.paidFen,
        paidInFullOn: r.paidInFullOn,
        subsidyEnjoyedFen: r.subsidyEnjoyedFen,
        alreadyTransferred: false,
        identities: identities.get(r.idNumber) ?? [],
      });
      byPolicy.set(p.id, entry);
    }
    const created: NewTransfer[] = [];
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
    const ids = await this.transfers.insertRequested(m, month, created, this.clock.now());
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
}
