import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { ReportAlertRaised, ReportAlertRaisedV1 } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock, DomainError } from '@urrbmi/platform';
import { behindStreaks, checkMilestones, completionRate } from '@urrbmi/policy';
import { endOfDay, RankingCalculator } from '../rankings/ranking-calculator';
import { CommandHandler } from '@urrbmi/platform';
import { AlertRepository, AlertRow } from './alert.repository';
import { RaiseAlertsCommand } from './raise-alerts.command';

/**
 * Raises `report.alert.raised` for every unit behind for the policy's number of weeks in a row, and
 * for every unit short of a milestone whose date has passed: once per streak or milestone, however
 * often it runs, with the alert row and its outbox row in one transaction.
 */
@Injectable()
export class RaiseAlertsHandler implements CommandHandler<RaiseAlertsCommand, number> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertRepository,
    private readonly calculator: RankingCalculator,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async execute(cmd: RaiseAlertsCommand): Promise<number> {
    const targets = (await this.alerts.rankedSeasons()).filter(
      (t) =>
        (cmd.season === undefined || t.season === cmd.season) &&
        (!cmd.regionCode || t.regionCode === cmd.regionCode),
    );
    let raised = 0;
    for (const t of targets) raised += await this.check(t.season, t.regionCode);
    return raised;
  }

  private async check(season: number, regionCode: string): Promise<number> {
    const today = this.clock.today();
    // A county-season without a policy or without units at the ranking level has nothing to check.
    const s = await this.calculator.season(season, regionCode, today).catch((e: unknown) => {
      if (e instanceof DomainError) return undefined;
      throw e;
    });
    if (!s) return 0;
    const names = new Map(s.units.map((u) => [u.unitCode, u.unitName]));
    const candidates: (Omit<AlertRow, 'raisedAt'> & { payload: ReportAlertRaisedV1 })[] = [];
    const raisedAt = toShanghaiIso(this.clock.now());
    const add = (
      p: Omit<ReportAlertRaisedV1, 'alertId' | 'raisedAt' | 'season' | 'regionCode' | 'level' | 'unitName'>,
    ) => {
      const alertId = randomUUID();
      const payload: ReportAlertRaisedV1 = {
        alertId,
        season,
        regionCode,
        level: s.level,
        unitName: names.get(p.unitCode) ?? p.unitCode,
        raisedAt,
        ...p,
      };
      candidates.push({
        alertId,
        season,
        regionCode,
        unitCode: p.unitCode,
        kind: p.kind,
        since: p.since,
        weekEnding: p.weekEnding,
        detail: { ...payload },
        payload,
      });
    };
    if (s.rule) {
      const streaks = behindStreaks(
        s.weeks.map((w) => w.week),
        s.weeks.map((w) => w.behind),
        s.rule,
      );
      for (const streak of streaks) {
        const week = s.weeks.find((w) => w.week.to === streak.reachedOn)!;
        add({
          kind: 'RANKED_BEHIND',
          unitCode: streak.unitCode,
          since: streak.since,
          weekEnding: streak.reachedOn,
          consecutiveWeeks: streak.weeks,
          completionRate: week.ranked.find((u) => u.unitCode === streak.unitCode)?.completionRate ?? 0,
          action: s.rule.action,
        });
      }
    }
    const due = s.policy.supervision.milestones.filter((m) => m.by < today);
    for (const m of due) {
      const done = await this.calculator.doneBy(season, regionCode, endOfDay(m.by));
      for (const u of s.units) {
        const [check] = checkMilestones(
          { ...s.policy, supervision: { ...s.policy.supervision, milestones: [m] } },
          u.quota,
          () => done.get(u.unitCode) ?? 0,
          today,
        );
        if (check.met) continue;
        add({
          kind: 'MILESTONE_MISSED',
          unitCode: u.unitCode,
          since: m.by,
          weekEnding: m.by,
          completionRate: completionRate(check.done, u.quota),
          action: `${Math.round(m.share * 100)}% of the quota by ${m.by}: ${check.done} of ${check.required}`,
        });
      }
    }
    if (candidates.length === 0) return 0;
    return inTransaction(this.dataSource, async (m) => {
      await this.alerts.lock(m, season, regionCode);
      const fresh = await this.alerts.insertNew(m, candidates);
      const events = candidates
        .filter((c) => fresh.has(c.alertId))
        .map((c) => ({
          type: ReportAlertRaised.type,
          version: ReportAlertRaised.version,
          payload: c.payload,
        }));
      await this.outbox.publish(m, events);
      return events.length;
    });
  }
}
