import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EnrollmentActivated, EnrollmentActivatedV1 } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { PolicyRegistry } from '@urrbmi/policy';
import { EnrollmentRecord, EnrollmentRepository, HistoryEntry } from '../enrollment.repository';
import { paymentStanding } from './payment-standing';

/**
 * Recomputes where a set of enrolments stand after payments, reversals or a new assessment, and
 * writes it back set-based: one UPDATE, one history INSERT, one outbox write for the batch.
 */
@Injectable()
export class EnrolmentStateService {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async recompute(
    m: EntityManager,
    records: EnrollmentRecord[],
    actor: string,
    cause: string,
    causationId?: string,
  ): Promise<void> {
    if (records.length === 0) return;
    const ledgers = await this.repository.ledgers(
      m,
      records.map((r) => r.id),
    );
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
      );
      const next: EnrollmentRecord = {
        ...r,
        status: s.status,
        paidFen: s.paidFen,
        paidAs: s.paidAs,
        paymentFlag: s.flag,
        benefitStart: s.benefitStart,
        benefitEnd: s.benefitEnd,
        waitingMonths: s.waitingMonths,
      };
      const same =
        next.status === r.status &&
        next.paidFen === r.paidFen &&
        next.paymentFlag === r.paymentFlag &&
        next.benefitStart === r.benefitStart &&
        next.paidAs === r.paidAs;
      if (same) continue;
      changed.push(next);
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
  }
}
