import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  EnrollmentActivated,
  EnrollmentActivatedV1,
  EnrollmentStanding,
  EnrollmentStandingV1,
  StandingStatus,
} from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { PolicyRegistry } from '@urrbmi/policy';
import { AssessmentRepository } from '../lifecycle/assessment.repository';
import { LedgerRepository } from '../lifecycle/ledger.repository';
import { EnrollmentRecord, EnrollmentRepository, HistoryEntry } from './enrollment.repository';
import { paymentStanding, Standing } from './payment-standing';

/**
 * Recomputes where a set of enrolments stand after payments, reversals, refunds or assessments, and
 * writes it back set-based: one UPDATE, one history INSERT, one outbox write for the batch. Every
 * change of standing gets the next `standingVersion` and is published as `enrollment.standing`, so
 * consumers hold one source of truth for "paid in full" and its undoing.
 */
@Injectable()
export class EnrolmentStateService {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly ledger: LedgerRepository,
    private readonly assessments: AssessmentRepository,
  ) {}

  async recompute(
    m: EntityManager,
    records: EnrollmentRecord[],
    actor: string,
    cause: string,
    causationId?: string,
  ): Promise<Map<string, Standing>> {
    const standings = new Map<string, Standing>();
    if (records.length === 0) return standings;
    const [ledgers, assessments] = await Promise.all([
      this.ledger.ledgers(
        m,
        records.map((r) => r.id),
      ),
      this.assessments.assessmentsOf(m, records),
    ]);
    const changed: EnrollmentRecord[] = [];
    const history: HistoryEntry[] = [];
    const activated: EnrollmentActivatedV1[] = [];
    const now = toShanghaiIso(this.clock.now());
    for (const r of records) {
      const policy = this.policies.get(r.regionCode, r.season);
      const ledger = (ledgers.get(r.id) ?? []).map((e) => ({
        amountFen: e.amountFen,
        paidAt: e.paidAt,
        channel: e.channel,
      }));
      const s = paymentStanding(
        policy,
        r.facts,
        { amountDueFen: r.amountDueFen, subsidyMode: r.subsidyMode, standardFen: r.standardFen },
        ledger,
        assessments.get(`${r.idNumber}:${r.season}`),
      );
      standings.set(r.id, s);
      const next: EnrollmentRecord = {
        ...r,
        ...(s.terms ?? {}),
        status: s.status,
        paidFen: s.paidFen,
        paidAs: s.paidAs,
        paymentFlag: s.flag,
        benefitStart: s.benefitStart,
        benefitEnd: s.benefitEnd,
        waitingMonths: s.waitingMonths,
        paidInFullOn: s.paidInFullOn,
      };
      const samePayments =
        next.status === r.status &&
        next.paidFen === r.paidFen &&
        next.paymentFlag === r.paymentFlag &&
        next.benefitStart === r.benefitStart &&
        next.paidAs === r.paidAs;
      const sameTerms =
        next.amountDueFen === r.amountDueFen &&
        next.subsidyFen === r.subsidyFen &&
        next.subsidyMode === r.subsidyMode &&
        next.subsidyCategory === r.subsidyCategory &&
        next.subsidyReason === r.subsidyReason;
      if (samePayments && sameTerms && next.paidInFullOn === r.paidInFullOn) continue;
      changed.push({ ...next, standingVersion: r.standingVersion + 1 });
      if (samePayments) continue;
      if (r.status !== 'ACTIVE' && next.status === 'ACTIVE') {
        history.push({
          enrollmentId: r.id,
          actor,
          change: next.paidAs ?? 'PAID',
          details: { cause, paidFen: next.paidFen },
        });
        history.push({
          enrollmentId: r.id,
          actor,
          change: 'ACTIVE',
          details: {
            benefitStart: next.benefitStart,
            benefitEnd: next.benefitEnd,
            waitingMonths: next.waitingMonths,
            reason: s.reason,
          },
        });
        activated.push({
          enrollmentId: r.id,
          idNumber: r.idNumber,
          season: r.season,
          regionCode: r.regionCode,
          townshipCode: r.townshipCode ?? undefined,
          villageCode: r.villageCode ?? undefined,
          paidAs: (next.paidAs ?? 'PAID') as 'PAID' | 'PROXY_PAID',
          paidFen: next.paidFen,
          benefitStart: next.benefitStart!,
          benefitEnd: next.benefitEnd!,
          waitingMonths: next.waitingMonths,
          activatedAt: now,
        });
      } else if (r.status === 'ACTIVE' && next.status !== 'ACTIVE') {
        history.push({
          enrollmentId: r.id,
          actor,
          change: 'DEACTIVATED',
          details: { cause, paidFen: next.paidFen, reason: s.reason },
        });
      } else {
        history.push({
          enrollmentId: r.id,
          actor,
          change: 'PAYMENTS_CHANGED',
          details: { cause, paidFen: next.paidFen, flag: next.paymentFlag, reason: s.reason },
        });
      }
    }
    await this.repository.updateStates(m, changed);
    await this.repository.addHistory(m, history);
    await this.outbox.publish(
      m,
      activated.map((payload) => ({
        type: EnrollmentActivated.type,
        version: EnrollmentActivated.version,
        payload,
        causationId,
      })),
    );
    await this.publishStanding(m, changed, cause, causationId);
    return standings;
  }

  /** `enrollment.standing` for enrolments as they now are (their version already bumped). */
  async publishStanding(
    m: EntityManager,
    records: EnrollmentRecord[],
    cause: string,
    causationId?: string,
    correlationId?: string,
  ): Promise<void> {
    if (records.length === 0) return;
    const changedAt = toShanghaiIso(this.clock.now());
    await this.outbox.publish(
      m,
      records.map((r) => ({
        type: EnrollmentStanding.type,
        version: EnrollmentStanding.version,
        payload: standingOf(r, cause, changedAt),
        causationId,
        correlationId,
      })),
    );
  }
}

/** The standing event of an enrolment row. */
export function standingOf(r: EnrollmentRecord, cause: string, changedAt: string): EnrollmentStandingV1 {
  const active = r.status === 'ACTIVE';
  // What the person did not have to pay themselves; a REIMBURSE subsidy is transferred later instead.
  const enjoyed =
    !active || r.subsidyMode === null
      ? 0
      : r.subsidyMode === 'DIFFERENCE' || (r.subsidyMode === 'FULL' && r.paidAs === 'PROXY_PAID')
        ? r.subsidyFen
        : 0;
  return {
    enrollmentId: r.id,
    idNumber: r.idNumber,
    season: r.season,
    regionCode: r.regionCode,
    townshipCode: r.townshipCode ?? undefined,
    villageCode: r.villageCode ?? undefined,
    registeredAt: toShanghaiIso(r.registeredAt),
    standingVersion: r.standingVersion,
    status: r.status as StandingStatus,
    amountDueFen: r.amountDueFen,
    paidFen: Math.max(0, r.paidFen),
    subsidyEnjoyedFen: enjoyed,
    paidAs: active ? ((r.paidAs ?? 'PAID') as 'PAID' | 'PROXY_PAID') : undefined,
    paidInFullOn: active ? (r.paidInFullOn ?? undefined) : undefined,
    benefitStart: active ? (r.benefitStart ?? undefined) : undefined,
    benefitEnd: active ? (r.benefitEnd ?? undefined) : undefined,
    cause,
    changedAt,
  };
}
